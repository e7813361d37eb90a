package io.tensorswarm.validator.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
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
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One validator round against an embedded chain, file stores and a micro model, with hostile miners. */
class ValidatorRunTest {
    private static final int NETUID = 1;
    private static final long BLOCK_MS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(10, 2);

    @TempDir Path tmp;
    MockTime time;
    LocalChain chain;
    Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
    Path baseDir;
    ParameterSet base;
    String revision;
    Path text;

    void setUp(LocalSubnetConfig subnet) throws Exception {
        time = new MockTime(0);
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).optSubnet(NETUID, subnet).build();
        chain.burnedRegister(NETUID, alice, alice.ss58Address());
        chain.setStake(NETUID, alice.ss58Address(), 1_000_000_000_000L);
        baseDir = TestModels.writeMicroModel(tmp.resolve("base-model"), 3);
        base = ModelDirectory.readWeights(baseDir);
        revision = Sha256.ofFile(baseDir.resolve(ModelDirectory.WEIGHTS_FILE));
        text = TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
        try (ObjectStore store = store("base")) {
            store.put(PutRequest.ofFile(StorageLayout.modelKey(revision), baseDir.resolve(ModelDirectory.WEIGHTS_FILE)));
            store.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), baseDir.resolve(ModelDirectory.CONFIG_FILE)));
            store.setPointer(StorageLayout.LATEST, new String(new LatestPointer(revision, 0).toJson(), StandardCharsets.UTF_8));
        }
    }

    @BeforeEach
    void defaults() {
        // each test calls setUp with its subnet rules
    }

    private ObjectStore store(String name) {
        return ObjectStores.open(tmp.resolve("stores").resolve(name).toUri().toString(), StorageOptions.defaults());
    }

    private String locator(String name) {
        return tmp.resolve("stores").resolve(name).toUri().toString();
    }

    private TokenPages pages(Tokenizer tokenizer, int pageLength) {
        return TokenPages.builder()
                .setDataset(TextDatasets.open(text, TextDatasetOptions.DEFAULTS))
                .setTokenizer(tokenizer)
                .setPageLength(pageLength)
                .optCacheDir(tmp.resolve("token-cache"))
                .build();
    }

    private Sr25519KeyPair register(String uri) {
        Sr25519KeyPair key = Sr25519KeyPair.fromUri(uri);
        chain.burnedRegister(NETUID, alice, key.ss58Address());
        return key;
    }

    private RunConfig config(Path stateDir, long maxDeltaBytes) {
        return RunConfig.defaults(NETUID, stateDir).withClock(CLOCK).withPages(4, 8).withMaxDeltaBytes(maxDeltaBytes);
    }

    private Validator validator(RunConfig config) {
        WeightSubmitter weights = new WeightSubmitter(NETUID, alice,
                new PendingReveals(config.stateDir().resolve("pending-reveals.json")));
        DeltaFetcher fetcher = new DeltaFetcher(loc -> ObjectStores.open(loc, StorageOptions.defaults()),
                new Sr25519SignatureVerifier(), config.maxDeltaBytes(), Duration.ofSeconds(30));
        BaseModelSource baseSource = new BaseModelSource(store("base"), config.stateDir().resolve("models"), 1L << 30);
        return new Validator(config, chain, weights, fetcher, baseSource, tok -> n -> pages(tok, n), Device.cpu(),
                time::sleep, alice.ss58Address());
    }

    /** Trains the base a few steps on the miner's assigned pages and returns the F32 delta. */
    private ParameterSet honestDelta(long round, String hotkey) {
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), base, Device.cpu());
                Tokenizer tok = Tokenizers.forModelDir(baseDir, 256);
                TokenPages corpus = pages(tok, 16);
                Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(12).withBatchSize(4)
                        .withLearningRate(1e-2).withWarmupSteps(1))) {
            trainer.train(corpus.pagesFor(round, hotkey, 4), TrainingListener.NONE);
            return Deltas.compute(model.parameters(), base);
        }
    }

    private ParameterSet noiseDelta(long seed, float std) {
        Random random = new Random(seed);
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : base) {
            float[] v = new float[(int) t.toFloats().length];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) random.nextGaussian() * std;
            }
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        return b.build();
    }

    /** Encodes {@code delta} as fp32, returns the file. */
    private Path encode(ParameterSet delta, String name) throws Exception {
        ParameterSet stored = DeltaCodecs.forName("fp32").encode(delta.toBuilder()
                .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.BASE_REVISION, revision).build());
        Path file = tmp.resolve("deltas").resolve(name + ".safetensors");
        Files.createDirectories(file.getParent());
        new SafetensorsWriter().write(stored, file);
        return file;
    }

    /** Commits {@code file}'s hash for the round, then uploads {@code uploaded} and a manifest signed by {@code signer}. */
    private void submit(Sr25519KeyPair miner, long round, Path file, Path uploaded, Sr25519KeyPair signer) throws Exception {
        String sha = Sha256.ofFile(file);
        String name = miner.ss58Address().substring(0, 8);
        chain.setCommitment(NETUID, miner, new CommitmentPayload(round, sha, locator(name)).encode());
        time.sleep(BLOCK_MS);
        if (uploaded == null) {
            return;
        }
        DeltaManifest unsigned = DeltaManifest.unsigned(miner.ss58Address(), NETUID, round, revision, "fp32", sha,
                Files.size(file), new SafetensorsReader().readHeader(file).size(), chain.currentBlock());
        DeltaManifest m = signer == miner
                ? unsigned.sign(new Sr25519ManifestSigner(miner))
                : forge(unsigned, signer);
        try (ObjectStore store = store(name)) {
            store.put(PutRequest.ofFile(StorageLayout.deltaKey(round, miner.ss58Address()), uploaded));
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, miner.ss58Address()), m.toJson()));
        }
    }

    /** Returns the manifest with a signature made by {@code other}, not by its hotkey. */
    private static DeltaManifest forge(DeltaManifest m, Sr25519KeyPair other) {
        String sig = "0x" + java.util.HexFormat.of().formatHex(other.sign(m.canonicalBytes()));
        return new DeltaManifest(m.version(), m.hotkey(), m.netuid(), m.round(), m.baseRevision(), m.codec(),
                m.deltaSha256(), m.deltaSize(), m.tensorCount(), m.createdAtBlock(), sig);
    }

    private void advanceToBlock(long block) {
        while (chain.currentBlock() < block) {
            time.sleep(BLOCK_MS);
        }
    }

    @Test
    void scoresHonestMinerAndRejectsEveryAdversaryThenSetsWeightsThatSurviveARestart() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        Sr25519KeyPair copier = register("//Charlie");
        Sr25519KeyPair noise = register("//Dave");
        Sr25519KeyPair lazy = register("//Eve");
        Sr25519KeyPair forger = register("//Ferdie");
        Sr25519KeyPair wrongSha = register("//Miner6");
        Sr25519KeyPair oversized = register("//Miner7");
        advanceToBlock(1);

        ParameterSet trained = honestDelta(0, honest.ss58Address());
        Path honestFile = encode(trained, "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        Path copyFile = tmp.resolve("deltas/copy.safetensors");
        Files.copy(honestFile, copyFile);
        submit(copier, 0, copyFile, copyFile, copier);
        Path noiseFile = encode(noiseDelta(7, 0.05f), "noise");
        submit(noise, 0, noiseFile, noiseFile, noise);
        submit(lazy, 0, honestFile, null, lazy);
        Path forgedFile = encode(Deltas.weightedSum(List.of(trained), new float[] {0.5f}), "forged");
        submit(forger, 0, forgedFile, forgedFile, Sr25519KeyPair.fromUri("//Mallory"));
        Path other = encode(Deltas.weightedSum(List.of(trained), new float[] {0.25f}), "other");
        Path claimed = encode(Deltas.weightedSum(List.of(trained), new float[] {0.75f}), "claimed");
        submit(wrongSha, 0, claimed, other, wrongSha);
        ParameterSet big = trained.toBuilder().add(NamedTensor.ofFloats("padding", new long[] {40_000},
                new float[40_000])).build();
        Path bigFile = encode(big, "big");
        assertEquals(7, chain.currentBlock(), "all seven commitments land before the deadline block 8");
        submit(oversized, 0, bigFile, bigFile, oversized);
        advanceToBlock(9);

        Path state = tmp.resolve("state");
        RunConfig config = config(state, Files.size(honestFile) + 1024);
        Validator v = validator(config);
        RoundReport report = v.runRound(0);

        MinerResult h = report.miner(honest.ss58Address());
        assertNull(h.reason(), String.valueOf(h.detail()));
        assertTrue(h.improvement() > 0, "honest improvement " + h.improvement());
        assertTrue(h.score() > 0);
        assertEquals(1.0, h.weight(), 1e-6);
        assertEquals("COPY", report.miner(copier.ss58Address()).reason());
        assertEquals(0.0, report.miner(noise.ss58Address()).score());
        assertTrue(report.miner(noise.ss58Address()).reason() != null
                || report.miner(noise.ss58Address()).improvement() < 0);
        assertEquals("missing manifest", report.miner(lazy.ss58Address()).reason());
        assertEquals("bad signature", report.miner(forger.ss58Address()).reason());
        assertEquals("delta hash mismatch", report.miner(wrongSha.ss58Address()).reason());
        assertEquals("delta too large", report.miner(oversized.ss58Address()).reason());
        assertEquals("set", report.weights());

        JsonNode json = new ObjectMapper().readTree(config.roundReportFile(0).toFile());
        assertEquals(7, json.get("miners").size());
        assertEquals(h.smoothed(), json.get("miners").get(0).get("smoothed_score").asDouble(), 1e-12);
        assertTrue(Files.notExists(config.deltaCacheDir(0)), "the round's delta cache is removed");

        advanceToBlock(21);
        double honestIncentive = chain.metagraph(NETUID).byHotkey(honest.ss58Address()).orElseThrow().incentive();
        assertTrue(honestIncentive > 0.99, "honest incentive " + honestIncentive);

        Validator restarted = validator(config);
        assertEquals(0, restarted.lastRound());
        assertEquals(h.smoothed(), restarted.scores().get(honest.ss58Address()), 1e-12);
    }

    @Test
    void commitsWeightsOnACommitRevealSubnetAndRevealsThemInTheNextRound() throws Exception {
        setUp(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1));
        Sr25519KeyPair honest = register("//Bob");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        advanceToBlock(9);

        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        PendingReveals pending = new PendingReveals(config.stateDir().resolve("pending-reveals.json"));
        RoundReport first = validator(config).runRound(0);
        assertEquals("committed", first.weights());
        assertEquals(1, pending.list().size());
        assertEquals(0, pending.list().get(0).round());

        // A restarted validator reveals in round 1 (epoch 1), from the persisted pending reveal.
        advanceToBlock(19);
        Validator restarted = validator(config);
        restarted.run(1);
        assertEquals(1, restarted.lastRound());
        // round 0's reveal was accepted and removed; round 1's moving scores were committed in turn
        assertEquals(List.of(1L), pending.list().stream().map(PendingReveals.Reveal::round).toList());
        assertTrue(Files.exists(config.roundReportFile(1)));
        advanceToBlock(21);
        double incentive = chain.metagraph(NETUID).byHotkey(honest.ss58Address()).orElseThrow().incentive();
        assertTrue(incentive > 0.99, "revealed weights give the honest miner the incentive: " + incentive);
    }

    @Test
    void skipsSettingWeightsWhileTheRateLimitHasNotPassed() throws Exception {
        setUp(LocalSubnetConfig.defaults().withWeightsRateLimit(15));
        Sr25519KeyPair honest = register("//Bob");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        advanceToBlock(9);
        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        Validator v = validator(config);
        assertEquals("set", v.runRound(0).weights());

        advanceToBlock(19);   // 10 blocks after the weights of block 9: too soon for a limit of 15
        RoundReport second = v.runRound(1);
        assertEquals("skipped: rate limit", second.weights());
        assertEquals(List.of(), second.miners());
        assertTrue(v.scores().get(honest.ss58Address()) > 0, "the score decays but stays");
    }

    @Test
    void tieredPolicyGivesAnEvaluatedMinerTheTopTierAndAnUnresponsiveOneTheLowest() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        Sr25519KeyPair lazy = register("//Eve");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        submit(lazy, 0, honestFile, null, lazy);
        advanceToBlock(9);
        RunConfig config = config(tmp.resolve("state"), 1L << 20).withPolicy(RunConfig.Policy.TIERED, true);
        RoundReport report = validator(config).runRound(0);
        assertEquals(1.0, report.miner(honest.ss58Address()).score());
        assertEquals(0.1, report.miner(lazy.ss58Address()).score());
        assertEquals("missing manifest", report.miner(lazy.ss58Address()).reason());
    }
}
