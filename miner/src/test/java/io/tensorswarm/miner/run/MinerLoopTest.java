package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.Health;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.OpsServer;
import io.tensorswarm.common.ops.Shutdown;
import io.tensorswarm.miner.testing.Metrics;
import io.tensorswarm.chain.testing.RecordingOrchestrator;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.train.AdamWStateFile;
import io.tensorswarm.common.train.TrainingListener.StepMetrics;
import io.tensorswarm.miner.worker.DeltaProducer;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.miner.worker.TrainWorker;
import io.tensorswarm.miner.worker.WorkerProtocol;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(120)
class MinerLoopTest {
    private static final long BLOCK_MILLIS = 12_000;
    private static final RoundClock CLOCK = new RoundClock(20, 2);

    @TempDir Path tmp;
    final MockTime time = new MockTime(1_700_000_000_000L);
    final Sleeper sleeper = time::sleep;
    Operations ops = Operations.detached();
    LocalChain chain;
    int netuid;
    Sr25519KeyPair hotkey;
    ObjectStore baseStore;
    RecordingStore minerStore;
    String minerLocator;
    Path text;

    @BeforeEach
    void setUp() throws Exception {
        chain = LocalChain.builder().setDirectory(tmp.resolve("chain")).optTime(time).build();
        netuid = chain.createSubnet(LocalSubnetConfig.defaults());
        hotkey = Sr25519KeyPair.fromUri("//MinerOne");
        chain.burnedRegister(netuid, Sr25519KeyPair.fromUri("//Alice"), hotkey.ss58Address());
        baseStore = open(tmp.resolve("base-store"));
        minerLocator = tmp.resolve("miner-store").toUri().toString();
        minerStore = new RecordingStore(open(tmp.resolve("miner-store")));
        text = TestModels.writeEnglishSample(tmp.resolve("data/sample.txt"));
    }

    @AfterEach
    void tearDown() {
        baseStore.close();
        minerStore.close();
    }

    private static ObjectStore open(Path dir) throws Exception {
        Files.createDirectories(dir);
        return ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults());
    }

    /** Publishes a fresh micro model as the base of round 0 on, as the averager would, and returns its revision. */
    private String publishBase(long seed) {
        return publishBase(seed, 0);
    }

    /** Publishes a fresh micro model as the base of {@code round} on (appended to the base history). */
    private String publishBase(long seed, long round) {
        Path dir = TestModels.writeMicroModel(tmp.resolve("model-" + seed), seed);
        String revision = Sha256.ofFile(dir.resolve(ModelDirectory.WEIGHTS_FILE));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), dir.resolve(ModelDirectory.WEIGHTS_FILE)));
        baseStore.put(PutRequest.ofFile(StorageLayout.modelConfigKey(revision), dir.resolve(ModelDirectory.CONFIG_FILE)));
        new BaseHistory(baseStore).append(new LatestPointer(revision, round));
        return revision;
    }

    private MinerSettings settings(String codec, long rounds) {
        return settings(codec, rounds, 2);
    }

    /** Settings of at most {@code maxSteps} steps a round (0: until the deadline), warm-up over the first 4 global steps. */
    private MinerSettings settings(String codec, long rounds, int maxSteps) {
        return new MinerSettings(netuid, minerLocator, CLOCK, text, "text", tmp.resolve("token-cache"), "cpu", 4, maxSteps,
                2, 1, Precision.FP32, 1e-3, 4, 0, codec, tmp.resolve("state"), rounds, Duration.ofMillis(BLOCK_MILLIS),
                1L << 30, Duration.ofMillis(BLOCK_MILLIS));
    }

    private MinerLoop loop(MinerSettings settings, TrainingRunner runner, Sleeper loopSleeper) {
        return new MinerLoop(settings, chain, hotkey, baseStore, minerStore, runner, loopSleeper, loopSleeper, ops,
                HeartbeatReporter.off(), time::milliseconds);
    }

    private void assertPublished(long round, String revision) throws Exception {
        String hk = hotkey.ss58Address();
        byte[] delta = minerStore.getBytes(GetRequest.of(StorageLayout.deltaKey(round, hk), 1L << 24));
        DeltaManifest manifest = DeltaManifest.parse(
                minerStore.getBytes(GetRequest.of(StorageLayout.manifestKey(round, hk), DeltaManifest.MAX_BYTES)));
        manifest.verify(new Sr25519SignatureVerifier());
        manifest.requireFor(hk, netuid, round, revision);
        assertEquals(Sha256.of(delta), manifest.deltaSha256());
        assertEquals(delta.length, manifest.deltaSize());

        Commitment commitment = chain.commitment(netuid, hk).orElseThrow();
        CommitmentPayload payload = CommitmentPayload.parse(commitment.data());
        assertEquals(CommitmentPayload.forDelta(netuid, round, hk, Sha256.of(delta), minerLocator), payload);
        assertTrue(CLOCK.isInSubmissionWindow(round, commitment.block()), "committed in the round, before the deadline");
        for (String key : List.of(StorageLayout.deltaKey(round, hk), StorageLayout.manifestKey(round, hk))) {
            Optional<CommitmentPayload> atPut = minerStore.commitmentAtPut(key);
            assertEquals(Optional.of(payload), atPut, "the commitment was on chain before uploading " + key);
            long putBlock = minerStore.blockAtPut.get(key);
            assertTrue(putBlock >= CLOCK.uploadOpenBlock(round) && putBlock < CLOCK.readableBlock(round),
                    key + " uploaded in block " + putBlock + ", in the upload window [" + CLOCK.uploadOpenBlock(round)
                            + ", " + CLOCK.readableBlock(round) + ")");
        }
    }

    @Test
    void publishesACommittedDeltaAndASignedManifestForTheRound() throws Exception {
        String revision = publishBase(3);
        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        assertEquals(List.of(StorageLayout.deltaKey(0, hotkey.ss58Address()),
                StorageLayout.manifestKey(0, hotkey.ss58Address())), minerStore.putKeys);
    }

    @ParameterizedTest
    @ValueSource(strings = {"topk", "sparseloco"})
    void sparseCodecsKeepTheirErrorFeedbackResidualInTheStateDirectoryAcrossRounds(String codec) throws Exception {
        String revision = publishBase(3);
        Path residual = tmp.resolve("state").resolve(MinerSettings.RESIDUAL_FILE);
        List<RoundResult> results = loop(settings(codec, 2), new InProcessRunner(), sleeper).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
        assertTrue(Files.isRegularFile(residual), "residual saved under --state.dir");
    }

    @Test
    void refusesToTrainOnABaseWhoseWeightsDoNotHashToItsRevision() throws Exception {
        String revision = publishBase(3);
        Path other = TestModels.writeMicroModel(tmp.resolve("impostor"), 4);
        baseStore.put(PutRequest.ofFile(StorageLayout.modelKey(revision), other.resolve(ModelDirectory.WEIGHTS_FILE)));

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.BASE_REJECTED)), results);
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey.ss58Address()));
        assertEquals(List.of(), minerStore.putKeys);
        assertTrue(Files.notExists(tmp.resolve("state/models").resolve(revision)), "the bad model is not cached");
    }

    @Test
    void waitsForABaseInTheHistoryThenPublishes() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        AtomicInteger pollsBeforeTraining = new AtomicInteger(-1);
        String[] revision = new String[1];
        Sleeper publishOnThirdPoll = millis -> {
            time.sleep(millis);
            if (polls.incrementAndGet() == 3) {
                revision[0] = publishBase(5);
            }
        };
        TrainingRunner noting = (job, watch) -> {
            pollsBeforeTraining.set(polls.get());
            return new InProcessRunner().train(job, watch);
        };
        List<RoundResult> results = loop(settings("fp32", 1), noting, publishOnThirdPoll).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertEquals(3, pollsBeforeTraining.get(), "polled until the base appeared, then trained without sleeping");
        assertPublished(0, revision[0]);
    }

    @Test
    void trainsEachRoundOnItsOwnBaseFromTheHistoryNotOnANewerLatest() throws Exception {
        String first = publishBase(3, 0);
        String second = publishBase(4, 2); // published ahead: 'latest' names it while rounds 0 and 1 run

        List<RoundResult> results = loop(settings("fp32", 3), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED), new RoundResult(2, RoundResult.Outcome.PUBLISHED)),
                results);
        String hk = hotkey.ss58Address();
        for (long round = 0; round < 3; round++) {
            DeltaManifest manifest = DeltaManifest.parse(minerStore.getBytes(
                    GetRequest.of(StorageLayout.manifestKey(round, hk), DeltaManifest.MAX_BYTES)));
            assertEquals(round < 2 ? first : second, manifest.baseRevision(), "base of round " + round);
        }
        assertPublished(2, second);
    }

    @Test
    void noUploadObjectExistsBeforeTheDeadlineBlock() throws Exception {
        String revision = publishBase(3);
        String hk = hotkey.ss58Address();
        List<Long> blocksSeenEmpty = new ArrayList<>();
        Sleeper watching = millis -> {
            long block = chain.currentBlock();
            if (block < CLOCK.deadlineBlock(0)) {
                assertEquals(List.of(), minerStore.list(""), "nothing readable in block " + block);
                if (chain.commitment(netuid, hk).isPresent()) {
                    blocksSeenEmpty.add(block);
                }
            }
            time.sleep(millis);
        };

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), watching).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        assertTrue(blocksSeenEmpty.contains(CLOCK.deadlineBlock(0) - 1),
                "committed, and still nothing uploaded in the last block before the deadline: " + blocksSeenEmpty);
    }

    @Test
    void aStopRequestedAfterTheCommitmentStillWaitsForTheUploadWindowAndUploads() throws Exception {
        String revision = publishBase(3);
        Path state = tmp.resolve("state");
        Sleeper stopOnceCommitted = millis -> {
            if (chain.commitment(netuid, hotkey.ss58Address()).isPresent()) {
                ops.shutdown().request(); // as SIGTERM would, between the commitment and the upload window
            }
            time.sleep(millis);
        };

        List<RoundResult> results = loop(settings("topk", 3), new InProcessRunner(), stopOnceCommitted).run();

        assertTrue(ops.shutdown().requested());
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results, "uploaded, then stopped");
        assertPublished(0, revision);
        assertEquals(0, new MinerState(state).lastPublishedRound().orElseThrow(), "the journal moved forward");
        assertTrue(Files.isRegularFile(state.resolve(MinerSettings.RESIDUAL_FILE)), "and the residual");
    }

    @Test
    void skipsARoundItJoinsAtTheDeadline() throws Exception {
        publishBase(3);
        time.sleep(CLOCK.deadlineBlock(0) * BLOCK_MILLIS);

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.TOO_LATE)), results);
        assertEquals(Optional.empty(), chain.commitment(netuid, hotkey.ss58Address()));
        assertEquals(List.of(), minerStore.putKeys);
    }

    @Test
    void commitsNothingWhenTrainingEndsAfterTheDeadlineAndGoesOnWithTheNextRound() throws Exception {
        String revision = publishBase(3);
        AtomicInteger trainings = new AtomicInteger();
        TrainingRunner slowFirstRound = (job, watch) -> {
            TrainingOutcome outcome = new InProcessRunner().train(job, watch);
            if (trainings.getAndIncrement() == 0) {
                time.sleep(CLOCK.deadlineBlock(0) * BLOCK_MILLIS);
            }
            return outcome;
        };

        List<RoundResult> results = loop(settings("fp32", 2), slowFirstRound, sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.TOO_LATE),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
        assertEquals(Optional.empty(), minerStore.stat(StorageLayout.deltaKey(0, hotkey.ss58Address())));
        List<Double> finishes = new MinerState(tmp.resolve("state")).recentFinishSeconds();
        assertEquals(2, finishes.size(), finishes.toString());
        assertTrue(finishes.get(0) >= 2 * 54, "training kept its time and the commitment was late: twice the first "
                + "guess of 54 s is remembered, so the next rounds keep more: " + finishes);
        assertTrue(finishes.get(1) < 54, "round 1 measured its own finish: " + finishes);
    }

    @Test
    @Timeout(180)
    void restartsAChildWorkerThatCrashedAndStillPublishesTheRound() throws Exception {
        String revision = publishBase(3);
        ops = opsWithMetrics();
        TrainingRunner child = ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of(), 3, Duration.ofSeconds(1), sleeper);

        List<RoundResult> results;
        try (FirstWorkerKiller killer = new FirstWorkerKiller()) {
            results = loop(settings("int8", 1), child, sleeper).run();
            assertTrue(killer.killed(), "the first worker was killed");
        }

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops.metrics())) {
            String text = Metrics.scrape(server.port());
            assertEquals(2.0, metric(text, "tensorswarm_train_step"), "steps reported by the child over its stdout");
            assertTrue(metric(text, "tensorswarm_loss{kind=\"train\"}") > 1, text);
            assertTrue(metric(text, "tensorswarm_tokens_per_second") > 0, text);
        }
    }

    @Test
    @Timeout(180)
    void theProductionWorkerHasNoCrashSwitchInItsEnvironment() throws Exception {
        String revision = publishBase(3);
        Path marker = tmp.resolve("crashed-once");
        TrainingRunner child = ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of("TS_TEST_WORKER_CRASH_ONCE", marker.toString()), 1, Duration.ofSeconds(1), sleeper);

        List<RoundResult> results = loop(settings("bf16", 1), child, sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        assertTrue(Files.notExists(marker), "the worker ignores test switches");
    }

    @Test
    @Timeout(180)
    void aWorkerCrashThatExhaustsItsAttemptsFailsOnlyThatRound() throws Exception {
        String revision = publishBase(3);
        TrainingRunner child = ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of(), 1, Duration.ofSeconds(1), sleeper);

        List<RoundResult> results;
        try (FirstWorkerKiller killer = new FirstWorkerKiller()) {
            results = loop(settings("bf16", 2), child, sleeper).run();
            assertTrue(killer.killed(), "the first worker was killed");
        }

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.FAILED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(1, revision);
    }

    private HeartbeatReporter heartbeats(String url, Duration timeout, LongSupplier millis) {
        return new HeartbeatReporter(new OrchestratorClient(url, hotkey, netuid, timeout, Clock.systemUTC()),
                Duration.ofSeconds(30), millis, () -> ops.metrics().error("orchestrator"));
    }

    @Test
    void sendsSignedHeartbeatsAtStartWhileWaitingAndWithEachPublishedRoundsStats() throws Exception {
        publishBase(3);
        try (RecordingOrchestrator orchestrator = new RecordingOrchestrator(chain, netuid, time::milliseconds);
                HeartbeatReporter heartbeats = heartbeats(orchestrator.url(), Duration.ofSeconds(5), time::milliseconds)) {
            List<RoundResult> results = new MinerLoop(settings("bf16", 2), chain, hotkey, baseStore, minerStore,
                    new InProcessRunner(), sleeper, sleeper, ops, heartbeats, time::milliseconds).run();

            assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                    new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
            assertEquals(List.of(), orchestrator.refusals, "every heartbeat verified and the hotkey is registered");
            List<RecordingOrchestrator.Beat> beats = orchestrator.accepted;
            assertTrue(beats.stream().allMatch(b -> b.hotkey().equals(hotkey.ss58Address())
                    && b.body().path("role").asText().equals("miner") && !b.body().path("version").asText().isEmpty()));
            assertEquals("started", beats.get(0).status());
            for (long round = 0; round < 2; round++) {
                String prefix = "r=" + round + " published: 2 steps in ";
                RecordingOrchestrator.Beat published = beats.stream().filter(b -> b.status().startsWith(prefix))
                        .findFirst().orElseThrow(() -> new AssertionError("no published heartbeat in " + beats));
                long deltaBytes = minerStore.stat(StorageLayout.deltaKey(round, hotkey.ss58Address())).orElseThrow().size();
                assertTrue(published.status().endsWith("; delta " + deltaBytes + " bytes (bf16)"), published.status());
                assertEquals(2, published.body().path("step").asLong());
                assertTrue(published.body().path("loss").asDouble() > 1, published.body().toString());
                assertTrue(published.body().path("tokensPerSecond").asDouble() > 0, published.body().toString());
            }
            List<RecordingOrchestrator.Beat> waiting = beats.stream()
                    .filter(b -> b.status().startsWith("r=0 committed delta ")
                            && b.status().endsWith("; uploading at block " + CLOCK.uploadOpenBlock(0)))
                    .toList();
            assertTrue(waiting.size() >= 3, "heartbeats while waiting for the upload window: " + beats);
            assertEquals(2, waiting.get(0).body().path("step").asLong(), "waiting heartbeats carry the round's numbers");
            long previous = waiting.get(0).atMillis();
            for (RecordingOrchestrator.Beat b : waiting.subList(1, waiting.size())) {
                assertTrue(b.atMillis() - previous >= 30_000, "at most one heartbeat per 30 s while waiting: " + beats);
                previous = b.atMillis();
            }
            assertEquals(beats.size(), heartbeats.sent());
        }
    }

    @Test
    void reportsTheTrainingStepWhileTraining() throws Exception {
        publishBase(3);
        AtomicLong reporterClock = new AtomicLong();
        LongSupplier intervalPassesAtEveryLook = () -> reporterClock.addAndGet(31_000);
        try (RecordingOrchestrator orchestrator = new RecordingOrchestrator(chain, netuid, time::milliseconds);
                HeartbeatReporter heartbeats = heartbeats(orchestrator.url(), Duration.ofSeconds(5),
                        intervalPassesAtEveryLook)) {
            new MinerLoop(settings("fp32", 1), chain, hotkey, baseStore, minerStore,
                    new InProcessRunner(), sleeper, sleeper, ops, heartbeats, time::milliseconds).run();

            RecordingOrchestrator.Beat step = orchestrator.accepted.stream()
                    .filter(b -> b.status().equals("r=0 training step 1/2")).findFirst()
                    .orElseThrow(() -> new AssertionError("no step heartbeat in " + orchestrator.accepted));
            assertEquals(1, step.body().path("step").asLong());
            assertTrue(step.body().path("loss").asDouble() > 1, step.body().toString());
            assertTrue(orchestrator.accepted.stream().anyMatch(b -> b.status().startsWith("r=0 training base ")),
                    orchestrator.accepted.toString());
        }
    }

    @Test
    void anOrchestratorThatNeverAnswersCostsOneTimeoutPerIntervalAndRoundsStillPublish() throws Exception {
        String revision = publishBase(3);
        ops = opsWithMetrics();
        long mockStart = time.milliseconds();
        // Accepts connections into its backlog and never answers: every heartbeat runs into the timeout.
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
                HeartbeatReporter heartbeats = heartbeats("http://127.0.0.1:" + silent.getLocalPort() + "/",
                        Duration.ofMillis(200), time::milliseconds)) {
            long wallStart = System.nanoTime();
            List<RoundResult> results = new MinerLoop(settings("fp32", 2), chain, hotkey, baseStore, minerStore,
                    new InProcessRunner(), sleeper, sleeper, ops, heartbeats, time::milliseconds).run();
            long wallMillis = (System.nanoTime() - wallStart) / 1_000_000;

            assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                    new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
            assertPublished(1, revision);
            long tries = heartbeats.failed();
            long mockSeconds = (time.milliseconds() - mockStart) / 1000;
            assertTrue(tries >= 2 && tries <= 1 + mockSeconds / 30,
                    tries + " tries of 200 ms in " + mockSeconds + " s of rounds: at most one per 30 s");
            assertEquals(0, heartbeats.sent());
            assertTrue(wallMillis >= tries * 180, "each try waited for its timeout: " + wallMillis + " ms");
            try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops.metrics())) {
                assertEquals((double) tries, metric(Metrics.scrape(server.port()),
                        "tensorswarm_errors_total{kind=\"orchestrator\"}"));
            }
        }
    }

    private static Operations opsWithMetrics() {
        return new Operations(DaemonMetrics.forTests(new Health(Clock.systemUTC(), Duration.ofMinutes(5))),
                Shutdown.manual(Duration.ofSeconds(5)), null);
    }

    private static double metric(String text, String series) {
        return Metrics.value(text, series).orElseThrow(() -> new AssertionError("no " + series + " in\n" + text));
    }

    @Test
    void exportsRoundStepLossThroughputBytesAndPublishedRoundsAsMetrics() throws Exception {
        String revision = publishBase(3);
        ops = opsWithMetrics();
        ObjectStore meteredBase = new MeteredObjectStore(baseStore, ops.metrics());
        ObjectStore meteredOwn = new MeteredObjectStore(minerStore, ops.metrics());
        List<RoundResult> results = new MinerLoop(settings("fp32", 2), chain, hotkey, meteredBase, meteredOwn,
                new InProcessRunner(), sleeper, sleeper, ops, HeartbeatReporter.off(), time::milliseconds).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);

        String hk = hotkey.ss58Address();
        long uploaded = 0;
        for (long r = 0; r < 2; r++) {
            uploaded += minerStore.stat(StorageLayout.deltaKey(r, hk)).orElseThrow().size()
                    + minerStore.stat(StorageLayout.manifestKey(r, hk)).orElseThrow().size();
        }
        long model = baseStore.stat(StorageLayout.modelKey(revision)).orElseThrow().size();
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops.metrics())) {
            String text = Metrics.scrape(server.port());
            assertEquals(1.0, metric(text, "tensorswarm_round"));
            assertEquals(2.0, metric(text, "tensorswarm_train_step"), "the last step of the 2-step run");
            double loss = metric(text, "tensorswarm_loss{kind=\"train\"}");
            assertTrue(loss > 1 && loss < 10, "a micro model's byte-level loss: " + loss);
            assertTrue(metric(text, "tensorswarm_tokens_per_second") > 0, text);
            assertEquals(2.0, metric(text, "tensorswarm_rounds_completed_total"));
            assertEquals((double) uploaded, metric(text, "tensorswarm_bytes_uploaded_total"));
            assertTrue(metric(text, "tensorswarm_bytes_downloaded_total") >= model, "the base was downloaded once");
            assertTrue(metric(text, "tensorswarm_bytes_downloaded_total") < 2 * model, "and cached for round 1");
            assertFalse(text.contains("tensorswarm_errors_total{"), text);
            assertEquals("ok", ops.metrics().health().check().status());
        }
    }

    @Test
    void countsAMissedDeadlineAndAWorkerFailureByKind() throws Exception {
        publishBase(3);
        ops = opsWithMetrics();
        AtomicInteger trainings = new AtomicInteger();
        TrainingRunner slowThenBroken = (job, watch) -> {
            if (trainings.getAndIncrement() == 0) {
                time.sleep(CLOCK.deadlineBlock(0) * BLOCK_MILLIS);
                return TrainingOutcome.DEADLINE;
            }
            return TrainingOutcome.FAILED;
        };
        List<RoundResult> results = loop(settings("fp32", 2), slowThenBroken, sleeper).run();
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.TOO_LATE),
                new RoundResult(1, RoundResult.Outcome.FAILED)), results);
        try (OpsServer server = OpsServer.start("127.0.0.1", 0, ops.metrics())) {
            String text = Metrics.scrape(server.port());
            assertEquals(1.0, metric(text, "tensorswarm_errors_total{kind=\"deadline_missed\"}"));
            assertEquals(1.0, metric(text, "tensorswarm_errors_total{kind=\"worker\"}"));
            assertEquals(0.0, metric(text, "tensorswarm_rounds_completed_total"));
        }
        assertEquals(List.of(), new MinerState(tmp.resolve("state")).recentFinishSeconds(),
                "a worker killed at the deadline or failed says nothing about the time to encode and commit");
    }

    @Test
    void aStopRequestedAfterTrainingCommitsNothingAndLeavesTheResidualAndJournalAsTheyWere() throws Exception {
        String revision = publishBase(3);
        Path state = tmp.resolve("state");
        TrainingRunner stopDuringRoundOne = (job, watch) -> {
            TrainingOutcome outcome = new InProcessRunner().train(job, watch);
            if (job.round() == 1) {
                ops.shutdown().request(); // as SIGTERM would, with the trained delta already on disk
            }
            return outcome;
        };
        byte[][] residualAfterRoundZero = new byte[1][];
        byte[][] journalAfterRoundZero = new byte[1][];
        Sleeper snapshotting = millis -> {
            if (residualAfterRoundZero[0] == null && new MinerState(state).lastPublishedRound().isPresent()) {
                try {
                    residualAfterRoundZero[0] = Files.readAllBytes(state.resolve(MinerSettings.RESIDUAL_FILE));
                    journalAfterRoundZero[0] = Files.readAllBytes(state.resolve(MinerState.FILE));
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
            time.sleep(millis);
        };

        List<RoundResult> results = loop(settings("topk", 3), stopDuringRoundOne, snapshotting).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                new RoundResult(1, RoundResult.Outcome.STOPPED)), results, "returned at once, no round 2");
        assertPublished(0, revision);
        assertEquals(List.of(StorageLayout.deltaKey(0, hotkey.ss58Address()),
                StorageLayout.manifestKey(0, hotkey.ss58Address())), minerStore.putKeys, "nothing uploaded for round 1");
        assertArrayEquals(residualAfterRoundZero[0], Files.readAllBytes(state.resolve(MinerSettings.RESIDUAL_FILE)));
        assertArrayEquals(journalAfterRoundZero[0], Files.readAllBytes(state.resolve(MinerState.FILE)));
        assertEquals(0, new MinerState(state).lastPublishedRound().orElseThrow());
        assertTrue(Files.notExists(settings("topk", 1).workDir(1)), "the abandoned round's work files are gone");
    }

    @Test
    void aStopWhileWaitingForABaseModelReturnsWithoutARound() throws Exception {
        AtomicInteger polls = new AtomicInteger();
        Sleeper stopOnSecondPoll = millis -> {
            time.sleep(millis);
            if (polls.incrementAndGet() == 2) {
                ops.shutdown().request();
            }
        };
        List<RoundResult> results = loop(settings("fp32", 0), new InProcessRunner(), stopOnSecondPoll).run();
        assertEquals(List.of(), results);
        assertEquals(2, polls.get());
    }

    @Test
    void aMinerRestartedInARoundItPublishedWaitsForTheNextRound() throws Exception {
        String revision = publishBase(3);
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)),
                loop(settings("topk", 1), new InProcessRunner(), sleeper).run());
        byte[] residual = Files.readAllBytes(tmp.resolve("state").resolve(MinerSettings.RESIDUAL_FILE));

        List<RoundResult> restarted = loop(settings("topk", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(1, RoundResult.Outcome.PUBLISHED)), restarted);
        assertPublished(1, revision);
        assertEquals(1, minerStore.putKeys.stream().filter(k -> k.equals(StorageLayout.deltaKey(0, hotkey.ss58Address())))
                .count(), "round 0 was uploaded once");
        assertFalse(java.util.Arrays.equals(residual,
                Files.readAllBytes(tmp.resolve("state").resolve(MinerSettings.RESIDUAL_FILE))), "round 1 moved it on");
    }

    @Test
    void removesWorkFilesLeftByAKilledRunAndIgnoresAnUnreadableJournal() throws Exception {
        String revision = publishBase(3);
        Path state = tmp.resolve("state");
        Path stale = state.resolve("work/round-0/.delta.safetensors.123.tmp");
        Files.createDirectories(stale.getParent());
        Files.write(stale, new byte[100]);
        Files.writeString(state.resolve(MinerState.FILE), "{\"last_published_round\": 0, \"delta_sh"); // torn by hand

        List<RoundResult> results = loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), results);
        assertPublished(0, revision);
        assertTrue(Files.notExists(stale.getParent()), "stale work removed");
        assertEquals(0, new MinerState(state).lastPublishedRound().orElseThrow(), "journal rewritten whole");
    }

    /** Passes each job to {@code inner}, recording every step's metrics and every summary by round. */
    private static final class Recording implements TrainingRunner {
        final TrainingRunner inner;
        final Map<Long, List<StepMetrics>> steps = new java.util.concurrent.ConcurrentHashMap<>();
        final Map<Long, WorkerProtocol.Summary> summaries = new java.util.concurrent.ConcurrentHashMap<>();
        final List<TrainJob> jobs = new ArrayList<>();

        Recording(TrainingRunner inner) {
            this.inner = inner;
        }

        List<Double> rates(long round) {
            return steps.get(round).stream().map(StepMetrics::learningRate).toList();
        }

        @Override
        public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
            jobs.add(job);
            steps.put(job.round(), new java.util.concurrent.CopyOnWriteArrayList<>());
            return inner.train(job, new TrainingWatch(job.round(), watch::pastDeadline, watch::stopRequested,
                    new WorkerProtocol.Sink() {
                        @Override
                        public void step(StepMetrics m) {
                            steps.get(job.round()).add(m);
                            watch.step(m);
                        }

                        @Override
                        public void finished(WorkerProtocol.Summary summary) {
                            summaries.put(job.round(), summary);
                            watch.finished(summary);
                        }
                    }));
        }
    }

    private static String optimizerStep(Path file) throws Exception {
        return new SafetensorsReader().readHeader(file).metadata().get(AdamWStateFile.STEP_KEY);
    }

    private static List<Double> rounded(List<Double> rates) {
        return rates.stream().map(r -> Math.round(r * 1e9) / 1e9).toList();
    }

    @Test
    void aRestartedMinerContinuesItsAdamWMomentsGlobalStepAndWarmUp() throws Exception {
        String revision = publishBase(3);
        Path optimizer = tmp.resolve("state").resolve(MinerSettings.OPTIMIZER_FILE);
        Recording first = new Recording(new InProcessRunner());
        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), loop(settings("fp32", 1), first, sleeper).run());
        assertEquals("2", optimizerStep(optimizer), "two steps taken, saved with the state");
        byte[] afterRoundZero = Files.readAllBytes(optimizer);

        Recording restarted = new Recording(new InProcessRunner()); // a new loop: what a restarted miner builds
        assertEquals(List.of(new RoundResult(1, RoundResult.Outcome.PUBLISHED)),
                loop(settings("fp32", 1), restarted, sleeper).run());
        assertPublished(1, revision);
        assertEquals("4", optimizerStep(optimizer));
        assertFalse(java.util.Arrays.equals(afterRoundZero, Files.readAllBytes(optimizer)), "the moments moved on");
        assertEquals(List.of(0.25e-3, 0.5e-3), rounded(first.rates(0)), "warm-up over the first 4 global steps");
        assertEquals(List.of(0.75e-3, 1e-3), rounded(restarted.rates(1)), "the restart continued the warm-up, not restarted it");
        assertEquals(4, restarted.summaries.get(1L).globalStep());
    }

    @Test
    @Timeout(180)
    void aChildWorkerContinuesTheOptimizerStateAnInProcessRoundSaved() throws Exception {
        publishBase(3);
        Path optimizer = tmp.resolve("state").resolve(MinerSettings.OPTIMIZER_FILE);
        loop(settings("bf16", 1), new InProcessRunner(), sleeper).run();
        Recording child = new Recording(ChildProcessRunner.forCurrentJvm(List.of("-Xmx512m", "-Dai.djl.offline=true"),
                Map.of(), 1, Duration.ofSeconds(1), sleeper));

        assertEquals(List.of(new RoundResult(1, RoundResult.Outcome.PUBLISHED)), loop(settings("bf16", 1), child, sleeper).run());

        assertEquals("4", optimizerStep(optimizer), "the worker JVM read the state by its arguments and wrote the next");
        assertEquals(List.of(0.75e-3, 1e-3), rounded(child.rates(1)), "reported over the worker's stdout");
        assertEquals(4, child.summaries.get(1L).globalStep());
    }

    @Test
    void anUnusableOptimizerStateIsSetAsideAndTheMinerTrainsOnWithFreshMoments() throws Exception {
        String revision = publishBase(3);
        Path optimizer = tmp.resolve("state").resolve(MinerSettings.OPTIMIZER_FILE);
        Files.createDirectories(optimizer.getParent());
        byte[] torn = "{\"truncated safetensors".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        Files.write(optimizer, torn);
        Recording runner = new Recording(new InProcessRunner());

        assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED)), loop(settings("fp32", 1), runner, sleeper).run());

        assertPublished(0, revision);
        assertArrayEquals(torn, Files.readAllBytes(optimizer.resolveSibling(MinerSettings.OPTIMIZER_FILE
                + DeltaProducer.UNUSABLE_SUFFIX)), "kept for inspection");
        assertEquals("2", optimizerStep(optimizer), "a fresh state after this round's two steps");
        assertEquals(List.of(0.25e-3, 0.5e-3), rounded(runner.rates(0)), "fresh moments warm up from the start");
    }

    @Test
    void aFailedJobOrAKilledRunLeavesTheSavedOptimizerStateAsItWas() throws Exception {
        publishBase(3);
        Path state = tmp.resolve("state");
        Path optimizer = state.resolve(MinerSettings.OPTIMIZER_FILE);
        loop(settings("fp32", 1), new InProcessRunner(), sleeper).run();
        byte[] saved = Files.readAllBytes(optimizer);
        List<Path> workFiles = new ArrayList<>();
        TrainingRunner trainsThenFails = (job, watch) -> {
            new InProcessRunner().train(job, watch); // writes the round's files, then the worker "dies"
            workFiles.add(job.optimizerOut());
            assertTrue(Files.isRegularFile(job.optimizerOut()), "the job wrote its next state into the work folder");
            return TrainingOutcome.FAILED;
        };

        assertEquals(List.of(new RoundResult(1, RoundResult.Outcome.FAILED)),
                loop(settings("fp32", 1), trainsThenFails, sleeper).run());
        assertArrayEquals(saved, Files.readAllBytes(optimizer), "only a successful job moves the state forward");
        assertTrue(Files.notExists(workFiles.get(0)));

        // kill -9 after the job wrote its state and before the rename: the restart drops the work folder
        Path left = settings("fp32", 1).workDir(1).resolve(MinerSettings.OPTIMIZER_FILE);
        Files.createDirectories(left.getParent());
        Files.write(left, new byte[] {1, 2, 3});
        time.sleep(CLOCK.roundBlocks() * BLOCK_MILLIS);
        assertEquals(List.of(new RoundResult(2, RoundResult.Outcome.PUBLISHED)),
                loop(settings("fp32", 1), new InProcessRunner(), sleeper).run());
        assertTrue(Files.notExists(left.getParent()), "the killed run's work folder is gone");
        assertEquals("4", optimizerStep(optimizer), "round 2 continued from round 0's state");
    }

    @Test
    void withoutAStepCapAMinerTrainsUntilItsDeadlineLeavesItsReserveAndLearnsHowLongItsFinishTakes() throws Exception {
        publishBase(3);
        Duration block = Duration.ofMillis(250);
        try (LocalChain fast = LocalChain.builder().setDirectory(tmp.resolve("fast-chain")).optTime(time)
                .optBlockTime(block).build()) {
            int fastNetuid = fast.createSubnet(LocalSubnetConfig.defaults());
            fast.burnedRegister(fastNetuid, Sr25519KeyPair.fromUri("//Alice"), hotkey.ss58Address());
            MinerSettings uncapped = new MinerSettings(fastNetuid, minerLocator, CLOCK, text, "text",
                    tmp.resolve("token-cache"), "cpu", 4, 0, 2, 1, Precision.FP32, 1e-3, 4, 0, "fp32", tmp.resolve("state"),
                    2, block, 1L << 30, block);
            Recording runner = new Recording(new InProcessRunner());

            List<RoundResult> results = new MinerLoop(uncapped, fast, hotkey, baseStore, minerStore, runner, sleeper,
                    sleeper, ops, HeartbeatReporter.off(), time::milliseconds).run();

            assertEquals(List.of(new RoundResult(0, RoundResult.Outcome.PUBLISHED),
                    new RoundResult(1, RoundResult.Outcome.PUBLISHED)), results);
            // Round 0: deadline block 18 at the earliest 4.25 s away (block 0 may have begun a block before it was
            // seen), less the first guess of a reserve, a quarter of the 4.5 s submission window: 3.125 s to train.
            TrainJob first = runner.jobs.get(0);
            assertEquals(0, first.maxSteps());
            WorkerProtocol.Summary r0 = runner.summaries.get(0L);
            assertTrue(r0.steps() > 2 && r0.seconds() > 1.0 && r0.seconds() < 3.125 + 0.2,
                    "trained until its budget: " + r0);
            for (long round = 0; round < 2; round++) {
                DeltaManifest manifest = DeltaManifest.parse(minerStore.getBytes(GetRequest.of(
                        StorageLayout.manifestKey(round, hotkey.ss58Address()), DeltaManifest.MAX_BYTES)));
                WorkerProtocol.Summary s = runner.summaries.get(round);
                assertEquals(new DeltaManifest.Training(s.steps(), s.tokens()), manifest.training(),
                        "the manifest records the steps and tokens trained");
            }
            List<Double> finishes = new MinerState(tmp.resolve("state")).recentFinishSeconds();
            assertEquals(2, finishes.size(), "one finish time per committed round, kept for a restart: " + finishes);
            assertTrue(finishes.stream().allMatch(f -> f >= 0 && f < 2), finishes.toString());
            long reserve1 = TrainingBudget.reserveMillis(finishes.subList(0, 1), block.toMillis(), 18 * block.toMillis());
            assertTrue(reserve1 < 1_125, "round 1 kept what round 0 needed, not the first guess: " + reserve1 + " ms");
        }
    }

    /** The miner's real store, remembering each put, the chain's block and the miner's on-chain commitment at that moment. */
    private final class RecordingStore extends ForwardingObjectStore {
        final List<String> putKeys = new ArrayList<>();
        final Map<String, Optional<CommitmentPayload>> commitments = new java.util.HashMap<>();
        final Map<String, Long> blockAtPut = new java.util.HashMap<>();

        RecordingStore(ObjectStore inner) {
            super(inner);
        }

        Optional<CommitmentPayload> commitmentAtPut(String key) {
            return commitments.getOrDefault(key, Optional.empty());
        }

        @Override
        public ObjectInfo put(PutRequest request) {
            putKeys.add(request.key());
            blockAtPut.put(request.key(), chain.currentBlock());
            commitments.put(request.key(), chain.commitment(netuid, hotkey.ss58Address())
                    .map(c -> CommitmentPayload.parse(c.data())));
            return super.put(request);
        }
    }
}
