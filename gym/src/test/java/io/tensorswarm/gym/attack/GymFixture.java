package io.tensorswarm.gym.attack;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.wallet.Argon2Settings;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Bf16Codec;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.gym.GymSettings;
import io.tensorswarm.gym.Identity;
import io.tensorswarm.gym.net.BaseModels;
import io.tensorswarm.gym.net.PeerDeltas;
import io.tensorswarm.gym.net.PublishResult;
import io.tensorswarm.gym.net.Publisher;
import io.tensorswarm.gym.net.UploadMode;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;

/**
 * A small subnet for the strategies: an embedded chain on a mock clock (1 s blocks), two honest
 * hotkeys with {@code file://} stores, the adversary's wallet (and the sybil's twin), an averager
 * store with a micro model as base, and a {@link RecordingPublisher} in place of the miner CLI.
 * Rounds are 20 blocks with a 2-block margin; the fixture starts at the first block of {@link #ROUND}.
 */
final class GymFixture implements AutoCloseable {
    static final long ROUND = 6;
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));

    final Path dir;
    final MockTime time = new MockTime(1_700_000_000_000L);
    final LocalChain chain;
    final int netuid;
    final RoundClock clock = new RoundClock(20, 2);
    final Sr25519KeyPair honestA = Sr25519KeyPair.fromUri("//HonestA");
    final Sr25519KeyPair honestB = Sr25519KeyPair.fromUri("//HonestB");
    final Identity self;
    final Identity twin;
    final ObjectStore baseStore;
    final ObjectStore ownStore;
    final Map<String, ObjectStore> honestStores = new HashMap<>();
    final RecordingPublisher publisher = new RecordingPublisher();
    final List<String> revisions = new ArrayList<>();
    final Path data;
    ParameterSet layout;

    GymFixture(Path dir) throws IOException {
        this.dir = dir;
        chain = LocalChain.builder().setDirectory(dir.resolve("chain")).optTime(time).optBlockTime(Duration.ofSeconds(1))
                .build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
        self = wallet("gym");
        twin = wallet("twin");
        for (String hotkey : List.of(honestA.ss58Address(), honestB.ss58Address(), self.ss58(), twin.ss58())) {
            chain.burnedRegister(netuid, alice, hotkey);
        }
        baseStore = ObjectStores.open(dir.resolve("stores/averager").toUri().toString(), StorageOptions.defaults());
        ownStore = ObjectStores.open(dir.resolve("stores/gym").toUri().toString(), StorageOptions.defaults());
        for (Sr25519KeyPair h : List.of(honestA, honestB)) {
            honestStores.put(h.ss58Address(), ObjectStores.open(locator(h), StorageOptions.defaults()));
        }
        data = TestModels.writeEnglishSample(dir.resolve("data.txt"));
        addBase(TestModels.writeMicroModel(dir.resolve("model-1"), 1), 1);
        moveTo(clock.startBlock(ROUND));
    }

    private Identity wallet(String name) {
        WalletPaths paths = new WalletPaths(dir.resolve("wallets"), name, "default");
        Wallet.create(paths, PasswordSource.of("gym-test-password"), CHEAP);
        return Identity.of(paths);
    }

    /** Publishes the model in {@code modelDir} as the base from {@code round} on. */
    String addBase(Path modelDir, long round) throws IOException {
        Path weights = modelDir.resolve(ModelDirectory.WEIGHTS_FILE);
        String revision = Sha256.ofFile(weights);
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), weights));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), modelDir.resolve(ModelDirectory.CONFIG_FILE)));
        new BaseHistory(baseStore).append(new LatestPointer(revision, round));
        revisions.add(revision);
        layout = new SafetensorsReader().read(weights);
        return revision;
    }

    /** Publishes a base from {@code round} on as an averager without the history did: {@code latest} only. */
    String addBaseWithoutHistory(Path modelDir, long round) throws IOException {
        Path weights = modelDir.resolve(ModelDirectory.WEIGHTS_FILE);
        String revision = Sha256.ofFile(weights);
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), weights));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), modelDir.resolve(ModelDirectory.CONFIG_FILE)));
        baseStore.put(PutRequest.ofBytes(StorageLayout.LATEST, new LatestPointer(revision, round).toJson()));
        revisions.add(revision);
        return revision;
    }

    String locator(Sr25519KeyPair h) {
        return dir.resolve("stores").resolve(h.ss58Address().substring(0, 8)).toUri().toString();
    }

    void moveTo(long block) {
        long now = chain.currentBlock();
        if (block > now) {
            time.sleep((block - now) * 1000);
        }
    }

    /** Returns a random F32 delta in the base layout, elements ~ N(0, scale^2). */
    ParameterSet randomDelta(long seed, double scale) {
        Random random = new Random(seed);
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : layout) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (random.nextGaussian() * scale);
            }
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        return b.build();
    }

    /**
     * Commits and uploads {@code delta} (bf16, as an honest miner) for {@code round} under {@code h},
     * with a signed manifest naming the newest base; returns what a reader decodes.
     */
    ParameterSet honestUpload(Sr25519KeyPair h, long round, ParameterSet delta) throws IOException {
        ParameterSet stored = new Bf16Codec().encode(delta);
        Path file = Files.createTempFile(dir, "delta", ".safetensors");
        new SafetensorsWriter().write(stored, file);
        String sha = Sha256.ofFile(file);
        chain.setCommitment(netuid, h, CommitmentPayload.forDelta(netuid, round, h.ss58Address(), sha, locator(h)).encode());
        ObjectStore store = honestStores.get(h.ss58Address());
        store.put(PutRequest.ofFile(StorageLayout.deltaKey(round, h.ss58Address()), file));
        DeltaManifest manifest = DeltaManifest.unsigned(h.ss58Address(), netuid, round, revisions.get(revisions.size() - 1),
                "bf16", sha, Files.size(file), stored.size(), chain.currentBlock()).sign(new Sr25519ManifestSigner(h));
        store.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, h.ss58Address()), manifest.toJson()));
        return new Bf16Codec().decode(stored, layout);
    }

    GymSettings settings(AdversaryKind kind) {
        return GymSettings.builder()
                .setKind(kind)
                .setNetuid(netuid)
                .setWallet(self.wallet())
                .optTwinWallet(twin.wallet())
                .setStorageLocation(dir.resolve("stores/gym").toUri().toString())
                .setBaseLocation(dir.resolve("stores/averager").toUri().toString())
                .setClock(clock)
                .setStateDir(dir.resolve("state"))
                .optTargets(List.of(honestA.ss58Address(), honestB.ss58Address()))
                .setCommitLeadBlocks(9)
                .setMinerJar(dir.resolve("no-miner.jar"))
                .setTrain(new GymSettings.TrainSettings(data,
                        "text", null, "cpu", 4, 3, 2, 2, 1e-3))
                .build();
    }

    /** Plays {@code kind} in the current round and returns what it did. */
    RoundAction play(AdversaryKind kind) throws InterruptedException {
        return play(kind, kind.create());
    }

    /** Plays {@code adversary} (of {@code kind}, kept across rounds by the caller) in the current round. */
    RoundAction play(AdversaryKind kind, Adversary adversary) throws InterruptedException {
        GymSettings settings = settings(kind);
        long round = clock.roundOf(chain.currentBlock());
        BaseModels bases = new BaseModels(baseStore, dir.resolve("state/bases"), 1L << 30);
        try (PeerDeltas peers = new PeerDeltas(chain, netuid, Set.of(self.ss58(), twin.ss58()), settings.targets(),
                StorageOptions.defaults(), dir.resolve("state/downloads"))) {
            String revision = bases.forRound(round).orElseThrow().revision();
            RoundContext ctx = new RoundContext(settings, round, chain, self, Optional.of(twin), bases,
                    bases.fetch(revision), peers, ownStore, publisher, time::sleep, dir.resolve("work"));
            return adversary.play(ctx);
        }
    }

    @Override
    public void close() {
        honestStores.values().forEach(ObjectStore::close);
        baseStore.close();
        ownStore.close();
        chain.close();
    }

    /** One {@code miner publish} the strategy asked for. */
    record Published(long round, ParameterSet delta, UploadMode upload, List<Identity> as, long block) {}

    /** Stands in for the miner CLI: keeps each published delta (read back from its file) and commits raw bytes directly. */
    final class RecordingPublisher implements Publisher {
        final List<Published> published = new ArrayList<>();

        @Override
        public List<PublishResult> publish(long round, Path delta, UploadMode upload, List<Identity> as,
                BaseModels.Base base) {
            try {
                published.add(new Published(round, new SafetensorsReader().read(delta), upload, as, chain.currentBlock()));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return as.stream().map(id -> new PublishResult(id.wallet().name(), 0, null)).toList();
        }

        @Override
        public OptionalLong commitRaw(Identity as, byte[] data) {
            return OptionalLong.of(chain.setCommitment(netuid, as.hotkey(), data).blockNumber());
        }

        Published only() {
            if (published.size() != 1) {
                throw new AssertionError("expected one publish, got " + published.size());
            }
            return published.get(0);
        }
    }
}
