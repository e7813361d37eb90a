package io.tensorswarm.validator.run;

import ai.djl.Device;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;

/**
 * A small real subnet for the validator's tests, in a temp folder: an embedded {@link LocalChain}
 * (driven by a mock clock in-process, or by the system clock when a child JVM shares it), a micro
 * base model published with its {@code latest} pointer in a {@code file://} store, the English
 * sample as data, and miners that commit and upload real deltas with signed manifests.
 */
final class SubnetFixture implements AutoCloseable {
    static final int NETUID = 1;

    final Path dir;
    final GptConfig model;
    final LocalChain chain;
    final Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
    final Path baseDir;
    final ParameterSet base;
    final String revision;
    final Path text;

    /** Creates the chain (with {@code subnet}'s rules and the given clock and block time) and a micro base model. */
    SubnetFixture(Path dir, LocalSubnetConfig subnet, Time time, Duration blockTime) throws Exception {
        this(dir, subnet, time, blockTime, TestModels.micro(), 1);
    }

    /**
     * Creates the chain, a base model of {@code model}'s shape and the English sample repeated
     * {@code dataRepeats} times as data.
     */
    SubnetFixture(Path dir, LocalSubnetConfig subnet, Time time, Duration blockTime, GptConfig model, int dataRepeats)
            throws Exception {
        this.dir = dir;
        this.model = model;
        chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(time).optBlockTime(blockTime)
                .optSubnet(NETUID, subnet).build();
        baseDir = dir.resolve("base-model");
        try (GptModel m = GptModel.create(model, 3, Device.cpu())) {
            ModelDirectory.save(m, baseDir);
        }
        base = ModelDirectory.readWeights(baseDir);
        revision = Sha256.ofFile(baseDir.resolve(ModelDirectory.WEIGHTS_FILE));
        Path sample = TestModels.writeEnglishSample(dir.resolve("data-sample/sample.txt"));
        text = dir.resolve("data/sample.txt");
        Files.createDirectories(text.getParent());
        Files.writeString(text, Files.readString(sample).repeat(dataRepeats));
        try (ObjectStore store = store("base")) {
            store.put(PutRequest.ofFile(StorageLayout.modelKey(revision), baseDir.resolve(ModelDirectory.WEIGHTS_FILE)));
            store.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), baseDir.resolve(ModelDirectory.CONFIG_FILE)));
            store.setPointer(StorageLayout.LATEST, new String(new LatestPointer(revision, 0).toJson(), StandardCharsets.UTF_8));
        }
    }

    /** Registers {@code hotkeySs58} (paid by //Alice) and gives it validator stake. */
    void registerValidator(String hotkeySs58) {
        chain.burnedRegister(NETUID, alice, hotkeySs58);
        chain.setStake(NETUID, hotkeySs58, 1_000_000_000_000L);
    }

    /** Registers a miner key derived from {@code uri}. */
    Sr25519KeyPair registerMiner(String uri) {
        Sr25519KeyPair key = Sr25519KeyPair.fromUri(uri);
        chain.burnedRegister(NETUID, alice, key.ss58Address());
        return key;
    }

    ObjectStore store(String name) {
        return ObjectStores.open(locator(name), StorageOptions.defaults());
    }

    String locator(String name) {
        return dir.resolve("stores").resolve(name).toUri().toString();
    }

    /** Returns the base store's location, as {@code --base.location} takes it. */
    String baseLocation() {
        return locator("base");
    }

    TokenPages pages(Tokenizer tokenizer, int pageLength) {
        return TokenPages.builder()
                .setDataset(TextDatasets.open(text, TextDatasetOptions.DEFAULTS))
                .setTokenizer(tokenizer)
                .setPageLength(pageLength)
                .optCacheDir(dir.resolve("token-cache"))
                .build();
    }

    /** Trains the base {@code steps} steps (learning rate 1e-2) on the miner's assigned pages and returns the F32 delta. */
    ParameterSet honestDelta(long round, String hotkey, int steps) {
        return honestDelta(round, hotkey, steps, 1e-2f);
    }

    /** Trains the base {@code steps} steps at {@code lr} on the miner's assigned pages and returns the F32 delta. */
    ParameterSet honestDelta(long round, String hotkey, int steps, float lr) {
        try (GptModel m = GptModel.fromParameters(model, base, Device.cpu());
                Tokenizer tok = Tokenizers.forModelDir(baseDir, model.vocabSize());
                TokenPages corpus = pages(tok, model.nPositions());
                Trainer trainer = new Trainer(m, TrainConfig.defaults().withSteps(steps).withBatchSize(4)
                        .withLearningRate(lr).withWarmupSteps(1))) {
            trainer.train(corpus.pagesFor(round, hotkey, 4), TrainingListener.NONE);
            return Deltas.compute(m.parameters(), base);
        }
    }

    /** Returns a Gaussian noise delta of the base's layout with L2 norm {@code norm}. */
    ParameterSet noiseDeltaWithNorm(long seed, double norm) {
        ParameterSet unit = noiseDelta(seed, 1f);
        return Deltas.weightedSum(java.util.List.of(unit), new float[] {(float) (norm / norm(unit))});
    }

    /** Returns the L2 norm of {@code delta}. */
    static double norm(ParameterSet delta) {
        double sq = 0;
        for (NamedTensor t : delta) {
            for (float v : t.toFloats()) {
                sq += (double) v * v;
            }
        }
        return Math.sqrt(sq);
    }

    /** Returns a Gaussian noise delta of the base's layout. */
    ParameterSet noiseDelta(long seed, float std) {
        Random random = new Random(seed);
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : base) {
            float[] v = new float[t.toFloats().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian() * std;
            }
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        return b.build();
    }

    /** Encodes {@code delta} as fp32 for the base, returns the file. */
    Path encode(ParameterSet delta, String name) throws Exception {
        ParameterSet stored = DeltaCodecs.forName("fp32").encode(delta.toBuilder()
                .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.BASE_REVISION, revision).build());
        Path file = dir.resolve("deltas").resolve(name + ".safetensors");
        Files.createDirectories(file.getParent());
        new SafetensorsWriter().write(stored, file);
        return file;
    }

    /** Returns the name of {@code miner}'s own store. */
    static String storeName(Sr25519KeyPair miner) {
        return miner.ss58Address().substring(0, 8);
    }

    /** Commits {@code file}'s hash for the round with the miner's file:// locator; returns the commitment's block. */
    long commit(Sr25519KeyPair miner, long round, Path file) throws Exception {
        return commit(miner, round, file, locator(storeName(miner)));
    }

    /** Commits {@code file}'s hash for the round with {@code locator}; returns the commitment's block. */
    long commit(Sr25519KeyPair miner, long round, Path file, String locator) throws Exception {
        return chain.setCommitment(NETUID, miner, CommitmentPayload.forDelta(NETUID, round, miner.ss58Address(), Sha256.ofFile(file), locator).encode())
                .blockNumber();
    }

    /** Uploads {@code uploaded} as the miner's round delta, with a manifest for {@code file} signed by {@code signer}. */
    void upload(Sr25519KeyPair miner, long round, Path file, Path uploaded, Sr25519KeyPair signer) throws Exception {
        DeltaManifest unsigned = DeltaManifest.unsigned(miner.ss58Address(), NETUID, round, revision, "fp32",
                Sha256.ofFile(file), Files.size(file), new SafetensorsReader().readHeader(file).size(),
                chain.currentBlock());
        DeltaManifest m = signer == miner ? unsigned.sign(new Sr25519ManifestSigner(miner)) : forge(unsigned, signer);
        try (ObjectStore store = store(storeName(miner))) {
            store.put(PutRequest.ofFile(StorageLayout.deltaKey(round, miner.ss58Address()), uploaded));
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, miner.ss58Address()), m.toJson()));
        }
    }

    /** Returns the manifest with a signature made by {@code other}, not by its hotkey. */
    static DeltaManifest forge(DeltaManifest m, Sr25519KeyPair other) {
        String sig = "0x" + HexFormat.of().formatHex(other.sign(m.canonicalBytes()));
        return new DeltaManifest(m.version(), m.hotkey(), m.netuid(), m.round(), m.baseRevision(), m.codec(),
                m.deltaSha256(), m.deltaSize(), m.tensorCount(), m.createdAtBlock(), sig);
    }

    @Override
    public void close() {
        chain.close();
    }
}
