package io.tensorswarm.averager.run;

import ai.djl.Device;
import io.tensorswarm.averager.merge.MergeConfig;
import io.tensorswarm.averager.merge.MixingConfig;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.data.ByteTokenizer;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.LocatorSchemes;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A temp embedded subnet for the averager's tests: a {@link LocalChain} on a {@link MockTime}
 * (1-second blocks, rounds of 20 blocks) or on the wall clock with short blocks (for daemons in
 * child JVMs, which share the chain folder), an averager store seeded with a micro model, real
 * English pages, and miners that train real deltas (or hostile ones), upload them to their own
 * {@code file://} stores and commit them on chain.
 */
public final class SubnetFixture {
    public static final int NETUID = 1;
    public static final RoundClock CLOCK = new RoundClock(20, 2);
    public static final int MINER_PAGES = 16;

    /** How a test miner behaves. */
    public enum Behaviour { HONEST, NOISE, WRONG_BYTES, FORGED_MANIFEST }

    public final Path root;
    final MockTime time;
    public final LocalChain chain;
    public final TokenPages pages;
    final Sr25519KeyPair owner = Sr25519KeyPair.fromUri("//Alice");

    /** A subnet on a mock clock that only {@link #advanceTo} moves. */
    public SubnetFixture(Path root) throws IOException {
        this(root, new MockTime(1_000_000L), Duration.ofSeconds(1));
    }

    /** A subnet on the wall clock with {@code blockTime} blocks, genesis now. */
    public static SubnetFixture realTime(Path root, Duration blockTime) throws IOException {
        return new SubnetFixture(root, null, blockTime);
    }

    private SubnetFixture(Path root, MockTime time, Duration blockTime) throws IOException {
        TorchRuntime.configure();
        this.root = root;
        this.time = time;
        LocalChain.Builder b = LocalChain.builder().setDirectory(chainDir()).optBlockTime(blockTime)
                .optSubnet(NETUID, LocalSubnetConfig.defaults().withTempo(1000));
        chain = (time == null ? b : b.optTime(time)).build();
        String text = Files.readString(TestModels.writeEnglishSample(root.resolve("english.txt")));
        pages = TokenPages.of(new ByteTokenizer().encode(text), TestModels.micro().nPositions(), "english");
    }

    /** Returns the chain's folder ({@code --local-chain.dir}). */
    public Path chainDir() {
        return root.resolve("chain");
    }

    /** Returns a file store under the fixture root. */
    public ObjectStore store(String name) {
        return ObjectStores.open(storeUri(name), StorageOptions.defaults());
    }

    /** Returns the {@code file://} location of the store named {@code name}. */
    public String storeUri(String name) {
        return root.resolve(name).toUri().toString();
    }

    /** Writes a micro model with {@code seed} and publishes it to {@code store} for round 0. */
    public LatestPointer seedBase(ObjectStore store, long seed) {
        Path dir = TestModels.writeMicroModel(root.resolve("init-" + seed), seed);
        return new ModelPublisher(store).publish(dir, 0);
    }

    /** Moves the chain to {@code block} (on the wall clock: waits for it). */
    public void advanceTo(long block) {
        if (time == null) {
            while (chain.currentBlock() < block) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
            return;
        }
        long now = chain.currentBlock();
        if (block > now) {
            time.sleep((block - now) * 1000L);
        }
    }

    /** Returns a registered miner hotkey named {@code name}. */
    public Sr25519KeyPair registerMiner(String name) {
        Sr25519KeyPair hotkey = Sr25519KeyPair.fromUri("//" + name);
        chain.burnedRegister(NETUID, owner, hotkey.ss58Address());
        return hotkey;
    }

    /** Returns the settings the tests merge with: top-3, 24 + 24 held-out pages, 3 mixing iterations. */
    public AveragerSettings settings(Path stateDir) {
        return new AveragerSettings(NETUID, CLOCK, 3, 24, 24, MINER_PAGES, 64L << 20,
                OuterOptimizer.DEFAULT_LEARNING_RATE, OuterOptimizer.DEFAULT_MOMENTUM,
                new MergeConfig(MixingConfig.defaults().withIterations(3), 8), stateDir, Device.cpu(), 8);
    }

    /** Returns an averager step on {@code store} with state in {@code stateDir}. */
    public AveragerRound averager(ObjectStore store, Path stateDir) {
        return averager(store, stateDir, LocatorSchemes.of(List.of("file")), DaemonMetrics.unexported(), () -> false,
                UnaryOperator.identity());
    }

    /**
     * Returns an averager step on {@code store} with state in {@code stateDir}, the given locator
     * policy, metrics and stop signal; {@code minerStores} wraps each miner store it opens.
     */
    public AveragerRound averager(ObjectStore store, Path stateDir, LocatorSchemes locators, DaemonMetrics metrics,
            BooleanSupplier stop, UnaryOperator<ObjectStore> minerStores) {
        DeltaFetcher fetcher = DeltaFetcher.builder()
                .setStoreOpener(loc -> minerStores.apply(ObjectStores.open(loc, StorageOptions.defaults())))
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(64L << 20)
                .optAllowedSchemes(locators)
                .build();
        return new AveragerRound(chain, store, pages, fetcher, settings(stateDir), metrics, stop);
    }

    /**
     * Trains (or fakes) {@code hotkey}'s round delta on the base {@code store}'s latest, uploads it
     * with a signed manifest to the miner's own store and commits it; returns the commit block.
     */
    public long submit(ObjectStore averagerStore, Sr25519KeyPair hotkey, long round, Behaviour behaviour)
            throws IOException {
        return commit(averagerStore, hotkey, round, delta(averagerStore, hotkey, round, behaviour), behaviour);
    }

    /** Returns the weights of revision {@code revision} in {@code store}. */
    public ParameterSet weights(ObjectStore store, String revision) {
        return ModelDirectory.readWeights(new BaseModelSource(store, root.resolve("miner-cache"),
                BaseModelSource.DEFAULT_MAX_MODEL_BYTES).fetch(revision).dir());
    }

    /** Returns the base of {@code round} in the averager's {@code store} (its base history). */
    public LatestPointer roundBase(ObjectStore store, long round) {
        return new BaseHistory(store).forRound(round).orElseThrow();
    }

    /** Returns {@code hotkey}'s delta on the round's base: trained, or noise. */
    public ParameterSet delta(ObjectStore averagerStore, Sr25519KeyPair hotkey, long round, Behaviour behaviour) {
        String ss58 = hotkey.ss58Address();
        ParameterSet base = weights(averagerStore, roundBase(averagerStore, round).revision());
        ParameterSet delta = trainedDelta(base, round, ss58);
        return behaviour == Behaviour.NOISE ? noiseLike(delta, 4.0, ss58.hashCode()) : delta;
    }

    /**
     * Uploads {@code delta} (made on the base {@code store}'s latest) with a manifest for {@code
     * round} to the miner's own store and commits it; returns the commit block.
     */
    public long commit(ObjectStore averagerStore, Sr25519KeyPair hotkey, long round, ParameterSet delta,
            Behaviour behaviour) throws IOException {
        return commit(averagerStore, hotkey, round, delta, behaviour, DeltaCodecs.forName("fp32"));
    }

    /** Uploads and commits {@code delta} as {@link #commit(ObjectStore, Sr25519KeyPair, long, ParameterSet, Behaviour)} does, in {@code codec}. */
    public long commit(ObjectStore averagerStore, Sr25519KeyPair hotkey, long round, ParameterSet delta,
            Behaviour behaviour, DeltaCodec codec) throws IOException {
        String ss58 = hotkey.ss58Address();
        LatestPointer latest = roundBase(averagerStore, round);
        Path file = root.resolve("upload-" + round + "-" + ss58 + ".safetensors");
        ParameterSet stored = codec.encode(delta);
        new SafetensorsWriter().write(stored, file);
        String sha = Sha256.ofFile(file);
        Path minerRoot = root.resolve("miner-" + ss58.substring(0, 8));
        try (ObjectStore minerStore = ObjectStores.open(minerRoot.toUri().toString(), StorageOptions.defaults())) {
            byte[] uploaded = Files.readAllBytes(file);
            if (behaviour == Behaviour.WRONG_BYTES) {
                uploaded[uploaded.length - 1] ^= 0x55; // the stored bytes no longer hash to the commitment
            }
            minerStore.put(PutRequest.ofBytes(StorageLayout.deltaKey(round, ss58), uploaded));
            Sr25519KeyPair signer = behaviour == Behaviour.FORGED_MANIFEST ? Sr25519KeyPair.fromUri("//Mallory") : hotkey;
            DeltaManifest manifest = DeltaManifest.unsigned(ss58, NETUID, round, latest.revision(), codec.name(), sha,
                    Files.size(file), stored.size(), chain.currentBlock());
            byte[] json = behaviour == Behaviour.FORGED_MANIFEST
                    ? forgedJson(manifest, signer)
                    : manifest.sign(new Sr25519ManifestSigner(signer)).toJson();
            minerStore.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, ss58), json));
        }
        String locator = minerRoot.toUri().toString();
        return chain.setCommitment(NETUID, hotkey, CommitmentPayload.forDelta(NETUID, round, hotkey.ss58Address(), sha, locator).encode()).blockNumber();
    }

    /** Returns the manifest carrying a signature made by another key. */
    private static byte[] forgedJson(DeltaManifest manifest, Sr25519KeyPair other) {
        byte[] signature = other.sign(manifest.canonicalBytes());
        return new DeltaManifest(manifest.version(), manifest.hotkey(), manifest.netuid(), manifest.round(),
                manifest.baseRevision(), manifest.codec(), manifest.deltaSha256(), manifest.deltaSize(),
                manifest.tensorCount(), manifest.createdAtBlock(),
                "0x" + java.util.HexFormat.of().formatHex(signature)).toJson();
    }

    /** Returns {@code trained - base} after a few real training steps on the miner's assigned pages. */
    public ParameterSet trainedDelta(ParameterSet base, long round, String hotkey) {
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), base, Device.cpu());
                Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(30).withBatchSize(8)
                        .withLearningRate(2e-3).withWarmupSteps(0).withSeed(round * 31 + hotkey.hashCode()))) {
            trainer.train(pages.pagesFor(round, hotkey, MINER_PAGES), TrainingListener.NONE);
            return Deltas.compute(model.parameters(), base);
        }
    }

    /** Returns Gaussian noise with the layout of {@code like} and {@code factor} times its norm. */
    public static ParameterSet noiseLike(ParameterSet like, double factor, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ParameterSet.Builder raw = ParameterSet.builder();
        for (NamedTensor t : like) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) rnd.nextGaussian();
            }
            raw.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        ParameterSet noise = raw.build();
        float scale = (float) (factor * Deltas.l2Norm(like) / Deltas.l2Norm(noise));
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : noise) {
            float[] v = t.toFloats();
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), DeltaMath.apply(new float[v.length], v, scale)));
        }
        return out.build();
    }
}
