package io.tensorswarm.protocol.fetch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.AcceptedCodecs;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The fetch checks that the round test does not reach: locator scheme, codec, commitment hash, timeout, stop, success. */
class DeltaFetcherTest {
    @TempDir Path tmp;
    Sr25519KeyPair miner = Sr25519KeyPair.fromUri("//Bob");
    ParameterSet base;
    String revision;
    Path storeDir;
    Path file;
    String sha;

    @BeforeEach
    void setUp() throws Exception {
        Path model = TestModels.writeMicroModel(tmp.resolve("base"), 3);
        base = ModelDirectory.readWeights(model);
        revision = Sha256.ofFile(model.resolve(ModelDirectory.WEIGHTS_FILE));
        Path other = TestModels.writeMicroModel(tmp.resolve("other"), 4);
        ParameterSet delta = Deltas.weightedSum(List.of(Deltas.compute(ModelDirectory.readWeights(other), base)),
                new float[] {0.1f});
        file = tmp.resolve("delta.safetensors");
        new SafetensorsWriter().write(DeltaCodecs.forName("fp32").encode(delta), file);
        sha = Sha256.ofFile(file);
        storeDir = tmp.resolve("store");
    }

    private void upload(String codec) throws Exception {
        DeltaManifest m = DeltaManifest.unsigned(miner.ss58Address(), 1, 0, revision, codec, sha, Files.size(file),
                new SafetensorsReader().readHeader(file).size(), 1).sign(new Sr25519ManifestSigner(miner));
        try (ObjectStore store = ObjectStores.open(storeDir.toUri().toString(), StorageOptions.defaults())) {
            store.put(PutRequest.ofFile(StorageLayout.deltaKey(0, miner.ss58Address()), file));
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(0, miner.ss58Address()), m.toJson()));
        }
    }

    private DeltaFetcher.Builder builder(boolean stall) {
        return DeltaFetcher.builder()
                .setStoreOpener(loc -> {
                    ObjectStore real = ObjectStores.open(loc, StorageOptions.defaults());
                    return stall ? new StallingStore(real) : real;
                })
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(1L << 20)
                .optAllowedSchemes(LocatorSchemes.of(List.of("file")));
    }

    private DeltaFetcher fetcher(Duration timeout, boolean stall) {
        return builder(stall).optTimeout(timeout).build();
    }

    private RejectedDeltaException rejected(DeltaFetcher f, String committedSha) {
        return rejected(f, committedSha, storeDir.toUri().toString());
    }

    private RejectedDeltaException rejected(DeltaFetcher f, String committedSha, String locator) {
        CommitmentPayload payload = CommitmentPayload.forDelta(1, 0, miner.ss58Address(), committedSha, locator);
        return assertThrows(RejectedDeltaException.class, () -> f.fetch(miner.ss58Address(), 1, payload, revision, base,
                tmp.resolve("cache/out.safetensors")));
    }

    @Test
    void decodesAnHonestSubmissionIntoTheCacheFile() throws Exception {
        upload("fp32");
        Path out = tmp.resolve("cache/out.safetensors");
        fetcher(Duration.ofSeconds(30), false).fetch(miner.ss58Address(), 1,
                CommitmentPayload.forDelta(1, 0, miner.ss58Address(), sha, storeDir.toUri().toString()), revision, base, out);
        ParameterSet decoded = new SafetensorsReader().read(out);
        assertEquals(base.names(), decoded.names());
        assertTrue(Files.notExists(tmp.resolve("cache/out.safetensors.download")));
    }

    @Test
    void rejectsAManifestWhoseCodecIsNotTheFiles() throws Exception {
        upload("bf16");
        assertEquals("codec mismatch", rejected(fetcher(Duration.ofSeconds(30), false), sha).reason());
    }

    @Test
    void refusesADeltaInACodecTheSubnetDoesNotAcceptBeforeReadingIt() throws Exception {
        upload("fp32");
        AtomicBoolean deltaRead = new AtomicBoolean();
        DeltaFetcher f = DeltaFetcher.builder()
                .setStoreOpener(loc -> new ForwardingObjectStore(ObjectStores.open(loc, StorageOptions.defaults())) {
                    @Override
                    public byte[] getBytes(GetRequest request) {
                        deltaRead.compareAndSet(false, request.key().endsWith(".safetensors"));
                        return super.getBytes(request);
                    }

                    @Override
                    public ObjectInfo get(GetRequest request, Path target) {
                        deltaRead.compareAndSet(false, request.key().endsWith(".safetensors"));
                        return super.get(request, target);
                    }
                })
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(1L << 20)
                .optAllowedSchemes(LocatorSchemes.of(List.of("file")))
                .optAcceptedCodecs(AcceptedCodecs.parse("sparseloco"))
                .build();
        RejectedDeltaException e = rejected(f, sha);
        assertEquals("codec not accepted", e.reason());
        assertTrue(e.getMessage().endsWith("delta is fp32, the subnet accepts sparseloco"), e.getMessage());
        assertTrue(!deltaRead.get(), "the delta was read before the codec was refused");
    }

    @Test
    void acceptsADeltaInOneOfTheAcceptedCodecs() throws Exception {
        upload("fp32");
        Path out = tmp.resolve("cache/out.safetensors");
        builder(false).optAcceptedCodecs(AcceptedCodecs.parse("sparseloco,fp32")).build().fetch(miner.ss58Address(), 1,
                CommitmentPayload.forDelta(1, 0, miner.ss58Address(), sha, storeDir.toUri().toString()), revision, base, out);
        assertTrue(Files.exists(out));
    }

    @Test
    void rejectsAManifestThatNamesAnotherDeltaThanTheCommitment() throws Exception {
        upload("fp32");
        assertEquals("commitment mismatch", rejected(fetcher(Duration.ofSeconds(30), false), "0".repeat(64)).reason());
    }

    @Test
    void givesUpOnADownloadThatOutlastsTheTimeout() throws Exception {
        upload("fp32");
        assertEquals("download timeout", rejected(fetcher(Duration.ofMillis(200), true), sha).reason());
    }

    @Test
    void aStopRequestAbandonsADownloadInProgressWithoutWaitingForTheTimeout() throws Exception {
        upload("fp32");
        AtomicBoolean stop = new AtomicBoolean();
        DeltaFetcher f = builder(true).optTimeout(Duration.ofMinutes(10)).optStopRequested(stop::get).build();
        Thread stopper = new Thread(() -> {
            try {
                Thread.sleep(300);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            stop.set(true);
        });
        stopper.start();
        Path out = tmp.resolve("cache/out.safetensors");
        StopRequestedException e = assertThrows(StopRequestedException.class, () -> f.fetch(miner.ss58Address(), 1,
                CommitmentPayload.forDelta(1, 0, miner.ss58Address(), sha, storeDir.toUri().toString()), revision, base, out));
        assertTrue(e.getMessage().contains(miner.ss58Address()), e.getMessage());
        assertTrue(Files.notExists(out));
        stopper.join();
    }

    @Test
    void rejectsFileLocatorsUnlessFileIsAllowed() throws Exception {
        upload("fp32");
        DeltaFetcher remoteOnly = builder(false).optAllowedSchemes(LocatorSchemes.REMOTE).build();
        RejectedDeltaException e = rejected(remoteOnly, sha);
        assertEquals("locator not allowed", e.reason());
        assertTrue(e.getMessage().contains("file:// locators are not accepted (--locators.allow hf,s3)"), e.getMessage());
        // file:/dir (no authority) is a file locator too
        assertEquals("locator not allowed", rejected(remoteOnly, sha, "file:" + storeDir.toUri().getPath()).reason());
        // and the same submission passes once file is allowed
        Path out = tmp.resolve("cache/out.safetensors");
        builder(false).build().fetch(miner.ss58Address(), 1, CommitmentPayload.forDelta(1, 0, miner.ss58Address(), sha, storeDir.toUri().toString()),
                revision, base, out);
        assertTrue(Files.exists(out));
    }

    @Test
    void rejectsALocatorForASchemeThatIsNotAllowedBeforeOpeningAnything() throws Exception {
        AtomicBoolean opened = new AtomicBoolean();
        DeltaFetcher f = DeltaFetcher.builder()
                .setStoreOpener(loc -> {
                    opened.set(true);
                    throw new IllegalStateException("must not open " + loc);
                })
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(1L << 20)
                .build();
        RejectedDeltaException e = rejected(f, sha, "gopher://example.org/deltas");
        assertEquals("locator not allowed", e.reason());
        assertTrue(e.getMessage().contains("gopher:// locators are not accepted"), e.getMessage());
        assertTrue(!opened.get(), "no store was opened");
    }

    /** A miner's store that answers small reads but never finishes sending the delta. */
    private static final class StallingStore extends ForwardingObjectStore {
        StallingStore(ObjectStore real) {
            super(real);
        }

        @Override
        public ObjectInfo get(GetRequest request, Path target) {
            try {
                new CountDownLatch(1).await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("interrupted");
        }
    }
}
