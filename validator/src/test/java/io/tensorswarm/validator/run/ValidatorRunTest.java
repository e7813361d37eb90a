package io.tensorswarm.validator.run;

import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.scoring.MinerResult;
import io.tensorswarm.protocol.fetch.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.testing.RecordingOrchestrator;
import io.tensorswarm.chain.cli.PendingReveal;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.OpsServer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.validator.scoring.ScoreBook;
import io.tensorswarm.validator.scoring.ScoreBookException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Validator rounds against an embedded chain, file stores and a micro model, with hostile miners. */
class ValidatorRunTest {
    private static final int NETUID = SubnetFixture.NETUID;
    private static final long BLOCK_MS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(10, 2);

    @TempDir Path tmp;
    MockTime time;
    SubnetFixture net;
    LocalChain chain;
    Sr25519KeyPair alice;
    String revision;

    void setUp(LocalSubnetConfig subnet) throws Exception {
        time = new MockTime(0);
        net = new SubnetFixture(tmp, subnet, time, Duration.ofMillis(BLOCK_MS));
        chain = net.chain;
        alice = net.alice;
        revision = net.revision;
        net.registerValidator(alice.ss58Address());
    }

    @AfterEach
    void closeChain() {
        if (net != null) {
            net.close();
        }
    }

    private Sr25519KeyPair register(String uri) {
        return net.registerMiner(uri);
    }

    private RunConfig config(Path stateDir, long maxDeltaBytes) {
        return RunConfig.defaults(NETUID, stateDir).withClock(CLOCK).withPages(4, 8).withMaxDeltaBytes(maxDeltaBytes);
    }

    private PendingRevealStore pendingReveals(RunConfig config) {
        return PendingRevealStore.forHotkey(config.stateDir(), alice.ss58Address());
    }

    private Validator validator(RunConfig config) {
        return builder(config, DaemonMetrics.unexported(), LocatorSchemes.of(List.of("file")),
                loc -> ObjectStores.open(loc, StorageOptions.defaults()), () -> false).build();
    }

    private Validator.Builder builder(RunConfig config, DaemonMetrics metrics, LocatorSchemes schemes,
            Function<String, ObjectStore> opener, BooleanSupplier stop) {
        WeightSubmitter weights = new WeightSubmitter(NETUID, alice, pendingReveals(config));
        DeltaFetcher fetcher = DeltaFetcher.builder()
                .setStoreOpener(loc -> new MeteredObjectStore(opener.apply(loc), metrics))
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(config.maxDeltaBytes())
                .optTimeout(Duration.ofSeconds(30))
                .optAllowedSchemes(schemes)
                .optStopRequested(stop)
                .build();
        BaseModelSource baseSource = new BaseModelSource(new MeteredObjectStore(net.store("base"), metrics),
                config.stateDir().resolve("models"), 1L << 30);
        return Validator.builder()
                .setConfig(config)
                .setChain(chain)
                .setWeights(weights)
                .setFetcher(fetcher)
                .setBaseSource(baseSource)
                .setPagesOpener(tok -> n -> net.pages(tok, n))
                .optDevice(Device.cpu())
                .optSleeper(time::sleep)
                .optMetrics(metrics)
                .optStopRequested(stop);
    }

    private ParameterSet honestDelta(long round, String hotkey) {
        return net.honestDelta(round, hotkey, 12);
    }

    private Path encode(ParameterSet delta, String name) throws Exception {
        return net.encode(delta, name);
    }

    /** Commits {@code file}'s hash for the round, then uploads {@code uploaded} and a manifest signed by {@code signer}. */
    private void submit(Sr25519KeyPair miner, long round, Path file, Path uploaded, Sr25519KeyPair signer) throws Exception {
        net.commit(miner, round, file);
        time.sleep(BLOCK_MS);
        if (uploaded != null) {
            net.upload(miner, round, file, uploaded, signer);
        }
    }

    private void advanceToBlock(long block) {
        while (chain.currentBlock() < block) {
            time.sleep(BLOCK_MS);
        }
    }

    /** Returns the metrics in Prometheus text format, as {@code /metrics} serves them. */
    private static String scrape(DaemonMetrics metrics) throws Exception {
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, metrics)) {
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port() + "/metrics")).build(), BodyHandlers.ofString());
            assertEquals(200, r.statusCode());
            return r.body();
        }
    }

    /** Returns the value of the sample {@code name} (with its labels) in {@code text}, or NaN when absent. */
    private static double sample(String text, String name) {
        return text.lines().filter(l -> l.startsWith(name + " ")).mapToDouble(l -> Double.parseDouble(
                l.substring(name.length() + 1).strip())).findFirst().orElse(Double.NaN);
    }

    private HeartbeatReporter heartbeats(String url, Duration timeout, DaemonMetrics metrics) {
        return new HeartbeatReporter(new OrchestratorClient(url, alice, NETUID, timeout, Clock.systemUTC()),
                Duration.ofSeconds(30), time::milliseconds, () -> metrics.error("orchestrator"));
    }

    /**
     * Validators agree: one scores round 0 right after its uploads close, another long after, when a
     * miner has already committed for round 1 (replacing its round-0 commitment). Both read the
     * commitments at the deadline block and seed the evaluation pages from its hash, so both count
     * the same miners and measure the same losses.
     */
    @Test
    void twoValidatorsStartedAtDifferentTimesCountTheSameMinersAndScoreTheSamePages() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair bob = register("//Bob");
        Sr25519KeyPair charlie = register("//Charlie");
        advanceToBlock(1);
        Path bobFile = encode(honestDelta(0, bob.ss58Address()), "bob");
        Path charlieFile = encode(honestDelta(0, charlie.ss58Address()), "charlie");
        submit(bob, 0, bobFile, bobFile, bob);
        submit(charlie, 0, charlieFile, charlieFile, charlie);
        advanceToBlock(CLOCK.readableBlock(0));
        RoundReport early = validator(config(tmp.resolve("early"), 1L << 20)).runRound(0);

        advanceToBlock(CLOCK.startBlock(1) + 1);
        net.commit(bob, 1, bobFile); // bob's commitment now names round 1
        advanceToBlock(CLOCK.readableBlock(1) + 3);
        RoundReport late = validator(config(tmp.resolve("late"), 1L << 20)).runRound(0);

        assertEquals(2, early.miners().size(), early.toString());
        assertEquals(early.miners().stream().map(MinerResult::hotkey).toList(),
                late.miners().stream().map(MinerResult::hotkey).toList(), "the same miners count");
        for (MinerResult e : early.miners()) {
            MinerResult l = late.miner(e.hotkey());
            assertNull(l.reason(), String.valueOf(l.detail()));
            assertEquals(e.improvement(), l.improvement(), 0.0, "the same evaluation pages: " + e.hotkey());
            assertEquals(e.score(), l.score(), 0.0);
        }
        assertEquals(early.baseLoss(), late.baseLoss(), 0.0);
    }

    @Test
    void sendsSignedHeartbeatsAtStartWhileWaitingAndWithTheRoundsScoresAndWeights() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        advanceToBlock(3); // round 0's deadline is block 8: the validator waits for it
        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (RecordingOrchestrator orchestrator = new RecordingOrchestrator(chain, NETUID, time::milliseconds);
                HeartbeatReporter heartbeats = heartbeats(orchestrator.url(), Duration.ofSeconds(5), metrics)) {
            Validator v = builder(config, metrics, LocatorSchemes.of(List.of("file")),
                    loc -> ObjectStores.open(loc, StorageOptions.defaults()), () -> false).optHeartbeats(heartbeats).build();
            assertEquals(1, v.run(1));

            assertEquals(List.of(), orchestrator.refusals, "every heartbeat verified and the validator is registered");
            List<RecordingOrchestrator.Beat> beats = orchestrator.accepted;
            assertTrue(beats.stream().allMatch(b -> b.hotkey().equals(alice.ss58Address())
                    && b.body().path("role").asText().equals("validator")), beats.toString());
            assertEquals("started", beats.get(0).status());
            List<RecordingOrchestrator.Beat> waiting = beats.stream()
                    .filter(b -> b.status().equals("no round yet; waiting for r=0's uploads to close (block 10)")).toList();
            assertTrue(waiting.size() >= 1, "a heartbeat while waiting for the round's uploads: " + beats);
            assertTrue(waiting.get(0).atMillis() - beats.get(0).atMillis() >= 30_000, beats.toString());

            RecordingOrchestrator.Beat done = beats.get(beats.size() - 1);
            JsonNode round0 = new ObjectMapper().readTree(config.roundReportFile(0).toFile());
            assertEquals(String.format(java.util.Locale.ROOT,
                    "r=0 scored 1 miners (1 evaluated, 0 rejected), base loss %.4f; weights set",
                    round0.get("base_loss").asDouble()), done.status());
            assertEquals(1, done.body().path("step").asLong(), "miners scored");
            assertEquals(round0.get("base_loss").asDouble(), done.body().path("loss").asDouble(), 1e-12);
            assertTrue(done.body().path("tokensPerSecond").asDouble() > 0, done.body().toString());
            assertEquals(beats.size(), heartbeats.sent());
        }
    }

    @Test
    void anOrchestratorThatNeverAnswersCostsOneTimeoutPerIntervalAndTheRoundStillSetsWeights() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        advanceToBlock(3);
        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        DaemonMetrics metrics = DaemonMetrics.unexported();
        long mockStart = time.milliseconds();
        // Accepts connections into its backlog and never answers: every heartbeat runs into the timeout.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                HeartbeatReporter heartbeats = heartbeats("http://127.0.0.1:" + silent.getLocalPort() + "/",
                        Duration.ofMillis(200), metrics)) {
            Validator v = builder(config, metrics, LocatorSchemes.of(List.of("file")),
                    loc -> ObjectStores.open(loc, StorageOptions.defaults()), () -> false).optHeartbeats(heartbeats).build();
            long wallStart = System.nanoTime();
            assertEquals(1, v.run(1));
            long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;

            JsonNode round0 = new ObjectMapper().readTree(config.roundReportFile(0).toFile());
            assertEquals("set", round0.get("weights").asText());
            long tries = heartbeats.failed();
            long mockSeconds = (time.milliseconds() - mockStart) / 1000;
            assertTrue(tries >= 1 && tries <= 1 + mockSeconds / 30,
                    tries + " tries in " + mockSeconds + " s: at most one per 30 s");
            assertTrue(wallMillis >= tries * 180, "each try waited for its timeout: " + wallMillis + " ms");
            assertEquals(0, heartbeats.sent());
            assertEquals((double) tries, sample(scrape(metrics), "tensorswarm_errors_total{kind=\"orchestrator\"}"));
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
        Path noiseFile = encode(net.noiseDelta(7, 0.05f), "noise");
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
        DaemonMetrics metrics = DaemonMetrics.unexported();
        Validator v = builder(config, metrics, LocatorSchemes.of(List.of("file")),
                loc -> ObjectStores.open(loc, StorageOptions.defaults()), () -> false).build();
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

        String m = scrape(metrics);
        assertEquals(0, sample(m, "tensorswarm_round"));
        assertEquals(1, sample(m, "tensorswarm_rounds_completed_total"));
        assertEquals(1, sample(m, "tensorswarm_weights_set_total"));
        assertEquals(h.smoothed(), sample(m, "tensorswarm_score{hotkey=\"" + honest.ss58Address() + "\"}"), 1e-12);
        assertEquals(1.0, sample(m, "tensorswarm_weight{hotkey=\"" + honest.ss58Address() + "\"}"), 1e-6);
        assertEquals(report.baseLoss(), sample(m, "tensorswarm_loss{kind=\"base\"}"), 1e-12);
        assertTrue(sample(m, "tensorswarm_loss{kind=\"eval\"}") <= h.lossAfter(), m);
        assertTrue(sample(m, "tensorswarm_tokens_per_second") > 0, m);
        long rejected = report.miners().stream().filter(r -> r.reason() != null).count();
        assertTrue(rejected >= 5, "copier, lazy, forger, wrong sha and oversized at least: " + rejected);
        assertEquals(rejected, sample(m, "tensorswarm_errors_total{kind=\"delta_rejected\"}"));
        assertEquals(1, sample(m, "tensorswarm_errors_total{kind=\"storage_not_found\"}"),
                "the lazy miner's missing manifest (counted by the validator; the metered store leaves misses to callers)");
        assertEquals(1, sample(m, "tensorswarm_errors_total{kind=\"storage_integrity\"}"), "the wrong-sha delta");
        assertTrue(sample(m, "tensorswarm_bytes_downloaded_total") > Files.size(honestFile) * 3,
                "base model, honest, copy and noise deltas: " + sample(m, "tensorswarm_bytes_downloaded_total"));

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
        PendingRevealStore pending = pendingReveals(config);
        RoundReport first = validator(config).runRound(0);
        assertEquals(config.stateDir().resolve("pending-reveals-" + alice.ss58Address() + ".json"), pending.file());
        assertEquals("committed", first.weights());
        assertEquals(1, pending.load().size());
        PendingReveal committed = pending.load().get(0);
        assertEquals(9, committed.commitBlock(), "committed right after round 0's deadline block 8");
        assertEquals(10, committed.revealFromBlock());
        assertEquals(19, committed.revealUntilBlock());
        assertEquals(alice.ss58Address(), committed.hotkey());

        // A restarted validator reveals in round 1 (epoch 1), from the persisted pending reveal.
        advanceToBlock(19);
        Validator restarted = validator(config);
        restarted.run(1);
        assertEquals(1, restarted.lastRound());
        // round 0's reveal was accepted and removed; round 1's moving scores were committed in turn
        List<PendingReveal> after = pending.load();
        assertEquals(1, after.size());
        assertTrue(after.get(0).commitBlock() >= 19, "the remaining commit is round 1's: " + after.get(0).commitBlock());
        assertTrue(Files.exists(config.roundReportFile(1)));
        advanceToBlock(21);
        double incentive = chain.metagraph(NETUID).byHotkey(honest.ss58Address()).orElseThrow().incentive();
        assertTrue(incentive > 0.99, "revealed weights give the honest miner the incentive: " + incentive);
    }

    @Test
    void aScoreBookFromALaterRoundThanTheChainStopsTheValidatorWithOneLine() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        advanceToBlock(25);
        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        Files.createDirectories(config.scoreBookFile().getParent());
        Files.writeString(config.scoreBookFile(), "{\"schema_version\":1,\"last_round\":5000,\"scores\":{\"x\":0.5}}");
        ScoreBookException e = assertThrows(ScoreBookException.class, () -> validator(config).run(1));
        assertTrue(e.getMessage().startsWith("score file " + config.scoreBookFile() + ": last_round 5000 is after the"
                + " chain's latest closed round"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
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
    void tieredPolicyGivesAnEvaluatedMinerTheTopTierAndARejectedOneNothing() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        Sr25519KeyPair lazy = register("//Eve");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        submit(lazy, 0, honestFile, null, lazy);
        advanceToBlock(9);
        RunConfig config = config(tmp.resolve("state"), 1L << 20).withPolicy(io.tensorswarm.protocol.scoring.RoundScorer.Policy.TIERED, true);
        RoundReport report = validator(config).runRound(0);
        assertEquals(1.0, report.miner(honest.ss58Address()).score());
        assertEquals(0.0, report.miner(lazy.ss58Address()).score(),
                "a lazy miner (committed, uploaded nothing) must not earn the old 0.1 'unresponsive' tier");
        assertEquals("missing manifest", report.miner(lazy.ss58Address()).reason());
    }

    @Test
    void fileLocatorsScoreZeroUnlessFileIsAllowedAndTheRoundFileSaysWhy() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair miner = register("//Bob");
        Sr25519KeyPair other = register("//Charlie");
        advanceToBlock(1);
        Path file = encode(net.noiseDelta(1, 1e-4f), "small");
        submit(miner, 0, file, file, miner);
        net.commit(other, 0, file, "gopher://example.org/deltas");
        advanceToBlock(9);
        RunConfig config = config(tmp.resolve("state"), 1L << 20);
        DaemonMetrics metrics = DaemonMetrics.unexported();
        RoundReport report = builder(config, metrics, LocatorSchemes.REMOTE,
                loc -> ObjectStores.open(loc, StorageOptions.defaults()), () -> false).build().runRound(0);

        for (Sr25519KeyPair k : List.of(miner, other)) {
            MinerResult r = report.miner(k.ss58Address());
            assertEquals("locator not allowed", r.reason());
            assertEquals(0.0, r.score());
        }
        JsonNode json = new ObjectMapper().readTree(config.roundReportFile(0).toFile());
        JsonNode first = json.get("miners").get(0);
        assertEquals("locator not allowed", first.get("reason").asText());
        assertTrue(first.get("detail").asText().contains("file:// locators are not accepted (--locators.allow hf,s3)"),
                first.toString());
        assertEquals("skipped: no positive scores", json.get("weights").asText());
        assertEquals(2, sample(scrape(metrics), "tensorswarm_errors_total{kind=\"delta_rejected\"}"));
    }

    @Test
    void aStopBetweenMinersAbandonsTheRoundSavingNothingAndARestartedValidatorRedoesIt() throws Exception {
        setUp(LocalSubnetConfig.defaults());
        Sr25519KeyPair honest = register("//Bob");
        Sr25519KeyPair second = register("//Charlie");
        advanceToBlock(1);
        Path honestFile = encode(honestDelta(0, honest.ss58Address()), "honest");
        submit(honest, 0, honestFile, honestFile, honest);
        Path noiseFile = encode(net.noiseDelta(3, 1e-3f), "noise");
        submit(second, 0, noiseFile, noiseFile, second);
        advanceToBlock(9);
        RunConfig config = config(tmp.resolve("state"), 1L << 20);

        // The stop arrives while the first miner's delta is downloading (as SIGTERM would).
        AtomicBoolean stop = new AtomicBoolean();
        Function<String, ObjectStore> stopDuringDownload = loc -> new ForwardingObjectStore(
                ObjectStores.open(loc, StorageOptions.defaults())) {
            @Override
            public ObjectInfo get(GetRequest request, Path target) {
                ObjectInfo info = super.get(request, target);
                stop.set(true);
                return info;
            }
        };
        Validator stopped = builder(config, DaemonMetrics.unexported(), LocatorSchemes.of(List.of("file")),
                stopDuringDownload, stop::get).build();
        assertEquals(0, stopped.run(1));
        assertTrue(stop.get());
        assertTrue(Files.notExists(config.scoreBookFile()), "no scores saved");
        assertTrue(Files.notExists(config.roundReportFile(0)), "no round file");
        assertTrue(Files.notExists(config.deltaCacheDir(0)), "the abandoned round's cache is removed");
        assertEquals(ScoreBook.NO_ROUND, stopped.lastRound());

        Validator restarted = validator(config);
        assertEquals(1, restarted.run(1));
        JsonNode json = new ObjectMapper().readTree(config.roundReportFile(0).toFile());
        assertEquals(2, json.get("miners").size());
        assertEquals("set", json.get("weights").asText());
        assertEquals(0, restarted.lastRound());
        assertTrue(restarted.scores().get(honest.ss58Address()) > 0);
    }

    @Test
    void revealsACommitSavedInTheValidatorsEarlierPendingRevealFile() throws Exception {
        setUp(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1));
        Sr25519KeyPair miner = register("//Bob");
        advanceToBlock(5);
        int uid = chain.metagraph(NETUID).byHotkey(miner.ss58Address()).orElseThrow().uid();
        int[] uids = {uid};
        int[] values = {65535};
        int[] salt = {1, 2, 3, 4, 5, 6, 7, 8};
        long versionKey = chain.hyperparameters(NETUID).weightsVersionKey();
        byte[] hash = WeightCommitHash.compute(alice.publicKey().toBytes(), NETUID, uids, values, salt, versionKey);
        long block = chain.commitWeights(NETUID, alice, hash).blockNumber();
        String hex = "0x" + HexFormat.of().formatHex(hash);
        Path state = tmp.resolve("state");
        Files.createDirectories(state);
        Files.writeString(state.resolve("pending-reveals.json"), """
                [{"round":0,"commitBlock":%d,"commitHash":"%s","uids":[%d],"weights":[65535],
                  "salt":[1,2,3,4,5,6,7,8],"versionKey":%d}]""".formatted(block, hex, uid, versionKey));

        advanceToBlock(19); // round 1's deadline has passed; the commit's reveal epoch (blocks 10-19) is open
        RunConfig config = config(state, 1L << 20);
        Validator v = validator(config);
        assertEquals(1, v.run(1));
        assertTrue(Files.notExists(state.resolve("pending-reveals.json")), "the earlier file is migrated and removed");
        assertEquals(List.of(), pendingReveals(config).load(), "the migrated commit was revealed");
        advanceToBlock(21);
        double incentive = chain.metagraph(NETUID).byHotkey(miner.ss58Address()).orElseThrow().incentive();
        assertTrue(incentive > 0.99, "the revealed weights count: " + incentive);
    }

    @Test
    @Timeout(60)
    void anEarlierPendingRevealFileWithAUidAboveU16StopsTheValidatorNamingTheFileAndField() throws Exception {
        setUp(LocalSubnetConfig.defaults().withCommitRevealEnabled(true).withTempo(10).withRevealPeriodEpochs(1));
        advanceToBlock(5);
        Path state = tmp.resolve("state");
        Files.createDirectories(state);
        String legacy = """
                [{"round":0,"commitBlock":3,"commitHash":"0x%s","uids":[70000],"weights":[65535],
                  "salt":[1,2,3,4,5,6,7,8],"versionKey":0}]""".formatted("ab".repeat(32));
        Files.writeString(state.resolve("pending-reveals.json"), legacy);
        advanceToBlock(19);
        RunConfig config = config(state, 1L << 20);
        Validator v = validator(config);
        io.tensorswarm.common.cli.ExitException e = assertThrows(io.tensorswarm.common.cli.ExitException.class,
                () -> v.run(1));
        assertEquals(io.tensorswarm.common.cli.ExitCodes.STATE, e.exitCode());
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        assertTrue(e.getMessage().contains(state.resolve("pending-reveals.json").toString()), e.getMessage());
        assertTrue(e.getMessage().contains("entry 0: pending reveal field uids[0] is 70000, above 65535"), e.getMessage());
        assertEquals(legacy, Files.readString(state.resolve("pending-reveals.json")), "the earlier file is left as it is");
        assertEquals(List.of(), pendingReveals(config).load(), "nothing out of bounds reached the shared file");
    }
}
