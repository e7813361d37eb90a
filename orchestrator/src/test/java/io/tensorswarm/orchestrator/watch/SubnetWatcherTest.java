package io.tensorswarm.orchestrator.watch;

import static io.tensorswarm.orchestrator.SubnetFixture.BOB;
import static io.tensorswarm.orchestrator.SubnetFixture.DAVE;
import static io.tensorswarm.orchestrator.SubnetFixture.EVE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.MockTime;
import io.tensorswarm.common.data.ByteTokenizer;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.orchestrator.MetricsText;
import io.tensorswarm.orchestrator.MutableClock;
import io.tensorswarm.orchestrator.SubnetFixture;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.history.RevisionRecord;
import io.tensorswarm.orchestrator.history.RoundRecord;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.round.AssignmentsUnavailableException;
import io.tensorswarm.orchestrator.round.DatasetAssignments;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.round.StoreBaseRevisionSource;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's loop body against a real embedded chain, a file:// base store and real micro models. */
class SubnetWatcherTest {
    private static final int NETUID = 2;
    private static final int PAGES_PER_MINER = 4;
    private static final int EVAL_PAGES = 4;

    @TempDir Path dir;

    private final MockTime time = new MockTime(1_700_000_000_000L);
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));
    private LocalChain chain;
    private Path store;
    private Path sample;
    private ObjectStore objects;
    private History history;
    private DatasetAssignments assignments;
    private OrchestratorMetrics metrics;

    @BeforeEach
    void subnetStoreAndData() throws Exception {
        chain = SubnetFixture.chain(dir.resolve("chain"), time, Duration.ofSeconds(1));
        SubnetFixture.subnet(chain, NETUID);
        store = dir.resolve("store");
        Files.createDirectories(store);
        objects = ObjectStores.open(store.toUri().toString(), StorageOptions.defaults());
        sample = TestModels.writeEnglishSample(dir.resolve("data/english.txt"));
        history = History.open(dir.resolve("state/history.json"), clock);
        assignments = new DatasetAssignments(PAGES_PER_MINER, "waiting for the base model");
        metrics = OrchestratorMetrics.unexported();
        toBlock(10); // round 1 of RoundClock(10, 2)
    }

    @AfterEach
    void closeStore() {
        objects.close();
    }

    private void toBlock(long block) {
        long now = chain.currentBlock();
        time.sleep((block - now) * 1000);
        assertEquals(block, chain.currentBlock());
    }

    private SubnetWatcher watcher(boolean withData) {
        RoundTracker rounds = new RoundTracker(chain, new RoundClock(10, 2),
                new StoreBaseRevisionSource(objects, Duration.ZERO, clock));
        SubnetWatcher.Builder b = SubnetWatcher.builder().setChain(chain).setNetuid(NETUID).setRounds(rounds)
                .setHistory(history).setMetrics(metrics).optClock(clock);
        if (withData) {
            b.optBaseModels(new BaseModels(objects, dir.resolve("state/models"), 1L << 30))
                    .optDataset(new DatasetPages(sample.toString(), dir.resolve("data-cache"), "text",
                            dir.resolve("tokens")), assignments)
                    .optLossProbe(new BaseLossProbe(EVAL_PAGES, Device.cpu()));
        }
        return b.build();
    }

    /** The pages a miner computes for itself: the corpus cut by the model's tokenizer and context length. */
    private TokenPages minersPages() {
        return TokenPages.builder().setDataset(TextDatasets.open(sample)).setTokenizer(new ByteTokenizer())
                .setPageLength(TestModels.micro().nPositions()).build();
    }

    @Test
    void recordsEachBaseRevisionWithItsLossAndDerivesTheMinersAssignments() throws Exception {
        String first = SubnetFixture.publish(store, dir, 1);
        String second = SubnetFixture.publish(store, dir, 2);
        SubnetFixture.pointLatest(store, first, 1);
        try (SubnetWatcher w = watcher(true); TokenPages pages = minersPages()) {
            assertThrows(AssignmentsUnavailableException.class, () -> assignments.assignment(1, BOB.ss58Address()));
            w.tick();

            assertEquals(pages.fingerprint(), assignments.dataset().orElseThrow().datasetFingerprint());
            assertEquals(pages.pageCount(), assignments.dataset().orElseThrow().pageCount());
            assertEquals(toList(pages.pageIndicesFor(3, BOB.ss58Address(), PAGES_PER_MINER)),
                    assignments.assignment(3, BOB.ss58Address()).pages());

            RevisionRecord a = history.revision(first).orElseThrow();
            assertEquals(1, a.round());
            assertEquals(10, a.firstSeenBlock());
            assertEquals(expectedLoss(first, pages), a.loss(), 1e-6);
            assertEquals(EVAL_PAGES * (TestModels.micro().nPositions() - 1L), a.lossTokens());
            assertEquals(EVAL_PAGES, a.evalPages());

            SubnetFixture.pointLatest(store, second, 2);
            toBlock(20);
            w.tick();
            RevisionRecord b = history.revision(second).orElseThrow();
            assertEquals(List.of(first, second), history.revisions().stream().map(RevisionRecord::revision).toList());
            assertEquals(20, b.firstSeenBlock());
            assertEquals(expectedLoss(second, pages), b.loss(), 1e-6);
            assertNotEquals(a.loss(), b.loss());
            assertFalse(Files.exists(dir.resolve("state/models").resolve(first)), "old revisions leave the cache");
            assertEquals(b.loss(), MetricsText.value(MetricsText.of(metrics.daemon().registry()),
                    "tensorswarm_loss{kind=\"base\"}"), 1e-9);
        }
        History reopened = History.open(dir.resolve("state/history.json"), clock);
        assertEquals(history.revisions(), reopened.revisions());
    }

    private double expectedLoss(String revision, TokenPages pages) throws Exception {
        Path model = dir.resolve("expected-" + revision);
        Files.createDirectories(model);
        Files.copy(store.resolve(StorageLayout.modelKey(revision)), model.resolve(ModelDirectory.WEIGHTS_FILE));
        Files.copy(store.resolve(StorageLayout.modelConfigKey(revision)), model.resolve(ModelDirectory.CONFIG_FILE));
        try (GptModel gpt = ModelDirectory.load(model, Device.cpu())) {
            return new Evaluator(8).evaluate(gpt, pages.pages(pages.evalPageIndices(BaseLossProbe.seed(), EVAL_PAGES)))
                    .meanLoss();
        }
    }

    private static List<Long> toList(long[] values) {
        return java.util.Arrays.stream(values).boxed().toList();
    }

    @Test
    void recordsEachRoundsIncentiveAndTheMinersThatCommittedBeforeTheDeadline() throws Exception {
        try (SubnetWatcher w = watcher(false)) {
            SubnetFixture.commit(chain, NETUID, BOB, 1);
            SubnetFixture.commit(chain, NETUID, DAVE, 1);
            SubnetFixture.commit(chain, NETUID, EVE, 0); // an old round's commitment
            SubnetFixture.setWeights(chain, NETUID, 30000, 10000, 0);
            toBlock(16); // past the epoch at block 15
            w.tick();

            RoundRecord r1 = history.rounds(10).get(history.rounds(10).size() - 1);
            assertEquals(1, r1.round());
            assertEquals(List.of(BOB.ss58Address(), DAVE.ss58Address()).stream().sorted().toList(), r1.committed());
            assertEquals(0.75, r1.incentive().get(BOB.ss58Address()), 1e-3);
            assertEquals(0.25, r1.incentive().get(DAVE.ss58Address()), 1e-3);
            assertEquals(0.0, r1.incentive().get(EVE.ss58Address()), 1e-9);
            assertEquals(4, w.snapshot().orElseThrow().metagraph().neurons().size());

            toBlock(18); // the deadline block: a commitment now is late
            SubnetFixture.commit(chain, NETUID, EVE, 1);
            toBlock(19);
            w.tick();
            assertEquals(2, history.rounds(10).get(history.rounds(10).size() - 1).committed().size(), "late commit counted");

            String text = MetricsText.of(metrics.daemon().registry());
            assertEquals(3, MetricsText.value(text, "tensorswarm_registered_neurons{role=\"miner\"}"));
            assertEquals(1, MetricsText.value(text, "tensorswarm_registered_neurons{role=\"validator\"}"));
            assertEquals(2, MetricsText.value(text, "tensorswarm_committed_miners"));
            assertEquals(1, MetricsText.value(text, "tensorswarm_round"));

            toBlock(21);
            w.tick();
            text = MetricsText.of(metrics.daemon().registry());
            assertEquals(2, MetricsText.value(text, "tensorswarm_round"));
            assertEquals(1, MetricsText.value(text, "tensorswarm_rounds_completed_total"));
            assertEquals(List.of(1L, 2L), history.rounds(10).stream().map(RoundRecord::round).toList());
        }
    }

    @Test
    void withoutDataRevisionsAreRecordedButNeitherDownloadedNorMeasured() throws Exception {
        String first = SubnetFixture.publish(store, dir, 1);
        SubnetFixture.pointLatest(store, first, 1);
        try (SubnetWatcher w = watcher(false)) {
            w.tick();
        }
        RevisionRecord a = history.revision(first).orElseThrow();
        assertNull(a.loss());
        assertFalse(Files.exists(dir.resolve("state/models")));
    }

    @Test
    void aRevisionFailingItsHashIsRecordedAsALossErrorAndRetriedLater() throws Exception {
        String revision = SubnetFixture.publish(store, dir, 1);
        Path weights = store.resolve(StorageLayout.modelKey(revision));
        Path good = dir.resolve("good.safetensors");
        Files.copy(weights, good);
        Files.copy(TestModels.writeMicroModel(dir.resolve("other"), 9).resolve(ModelDirectory.WEIGHTS_FILE), weights,
                StandardCopyOption.REPLACE_EXISTING);
        SubnetFixture.pointLatest(store, revision, 1);
        try (SubnetWatcher w = watcher(true)) {
            w.tick();
            RevisionRecord r = history.revision(revision).orElseThrow();
            assertNull(r.loss());
            assertTrue(r.lossError().startsWith("storage: "), r.lossError());
            assertTrue(assignments.dataset().isPresent(), "the config was fine: assignments work");
            assertFalse(Files.exists(dir.resolve("state/models").resolve(revision).resolve(ModelDirectory.WEIGHTS_FILE)),
                    "a file that fails its hash is never kept");
            assertEquals(1, MetricsText.value(MetricsText.of(metrics.daemon().registry()),
                    "tensorswarm_errors_total{kind=\"storage\"}"));

            Files.copy(good, weights, StandardCopyOption.REPLACE_EXISTING);
            w.tick();
            assertNull(history.revision(revision).orElseThrow().loss(), "retried before the back-off ran out");
            clock.advance(SubnetWatcher.FIRST_RETRY.plusSeconds(1));
            w.tick();
            RevisionRecord fixed = history.revision(revision).orElseThrow();
            assertTrue(Double.isFinite(fixed.loss()), fixed.toString());
            assertNull(fixed.lossError());
        }
    }

    @Test
    void anUnreadableLatestPointerIsCountedAndTheRoundStillAdvances() throws Exception {
        Files.writeString(store.resolve(StorageLayout.LATEST), "{not json");
        try (SubnetWatcher w = watcher(true)) {
            w.tick();
            String text = MetricsText.of(metrics.daemon().registry());
            assertEquals(1, MetricsText.value(text, "tensorswarm_errors_total{kind=\"base_revision\"}"));
            assertEquals(1, MetricsText.value(text, "tensorswarm_round"));
            assertTrue(history.revisions().isEmpty());
        }
    }
}
