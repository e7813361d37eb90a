package io.tensorswarm.protocol.fetch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaFetcher#keepingSparseEncoded}: the verified file of a sparse codec is kept beside the
 * decoded delta (the averager decodes it again sparse); a dense codec's never, nor without the option.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseEncodedCopyTest {
    @TempDir Path tmp;
    Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Bob");
    ParameterSet base;
    ParameterSet delta;
    String revision;
    Path storeDir;
    Path out;

    @BeforeEach
    void setUp() throws Exception {
        Path model = TestModels.writeMicroModel(tmp.resolve("base"), 3);
        base = ModelDirectory.readWeights(model);
        revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        ParameterSet other = ModelDirectory.readWeights(TestModels.writeMicroModel(tmp.resolve("other"), 4));
        delta = Deltas.weightedSum(List.of(Deltas.compute(other, base)), new float[] {0.1f});
        storeDir = tmp.resolve("store");
        out = tmp.resolve("cache/out.safetensors");
    }

    /** Uploads the delta in {@code codec} and returns its file's SHA-256. */
    private String upload(String codec) throws Exception {
        Path file = tmp.resolve(codec + ".safetensors");
        new SafetensorsWriter().write(DeltaCodecs.forName(codec).encode(delta), file);
        String sha = Sha256.ofFile(file);
        DeltaManifest m = DeltaManifest.unsigned(miner.ss58Address(), 1, 0, revision, codec, sha, Files.size(file),
                new SafetensorsReader().readHeader(file).size(), 1).sign(new Sr25519ManifestSigner(miner));
        try (ObjectStore store = ObjectStores.open(storeDir.toUri().toString(), StorageOptions.defaults())) {
            store.put(PutRequest.ofFile(StorageLayout.deltaKey(0, miner.ss58Address()), file));
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(0, miner.ss58Address()), m.toJson()));
        }
        return sha;
    }

    private DeltaFetcher fetcher() {
        return DeltaFetcher.builder()
                .setStoreOpener(loc -> ObjectStores.open(loc, StorageOptions.defaults()))
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(1L << 20)
                .optAllowedSchemes(LocatorSchemes.of(List.of("file")))
                .build();
    }

    private void fetch(DeltaFetcher f, String sha) {
        f.fetch(miner.ss58Address(), 1, CommitmentPayload.forDelta(1, 0, miner.ss58Address(), sha,
                storeDir.toUri().toString()), revision, base, out);
    }

    @Test
    void keepsTheVerifiedFileOfASparseCodecBesideTheDecodedDelta() throws Exception {
        for (String codec : new String[] {"sparseloco", "topk"}) {
            String sha = upload(codec);
            fetch(fetcher().keepingSparseEncoded(), sha);
            Path kept = FetchRequest.encodedCopy(out);
            assertEquals(sha, Sha256.ofFile(kept), codec + ": the kept file is the one the commitment names");
            DeltaCodec c = DeltaCodecs.forName(codec);
            ParameterSet decoded = new SafetensorsReader().read(out);
            ParameterSet again = c.decodeSparse(new SafetensorsReader().read(kept), base).toDense();
            for (NamedTensor t : decoded) {
                assertArrayEquals(t.toFloats(), again.require(t.name()).toFloats(), 0f, codec + " " + t.name());
            }
            try (var files = Files.list(out.getParent())) {
                assertEquals(2, files.count(), codec + ": nothing but the decoded delta and the kept file");
            }
        }
    }

    @Test
    void keepsNothingForADenseCodecAndRemovesACopyAnEarlierRunLeft() throws Exception {
        fetch(fetcher().keepingSparseEncoded(), upload("sparseloco"));
        assertTrue(Files.isRegularFile(FetchRequest.encodedCopy(out)));
        fetch(fetcher().keepingSparseEncoded(), upload("bf16"));
        assertTrue(Files.notExists(FetchRequest.encodedCopy(out)), "a bf16 delta is merged from its decoded file");
        assertTrue(Files.isRegularFile(out));
    }

    @Test
    void keepsNothingUnlessAsked() throws Exception {
        fetch(fetcher(), upload("sparseloco"));
        assertTrue(Files.isRegularFile(out));
        assertTrue(Files.notExists(FetchRequest.encodedCopy(out)), "validators keep only the decoded delta");
    }
}
