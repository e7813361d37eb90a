package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.fetch.LocatorSchemes;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AveragerRoundTest {
    @TempDir Path tmp;

    @Test
    void mergesHonestDeltasPublishesTheRevisionAndMovesLatest() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            LatestPointer before = f.seedBase(store, 1);
            List<Sr25519KeyPair> miners = List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2"));
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(0) + 8);

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertTrue(report.accepted(), report.note());
            assertEquals(2L, report.firstRound(), "merged in round 1 (block 28), so it is round 2's base");
            assertTrue(report.scores().values().stream().allMatch(v -> v > 0), report.scores().toString());
            assertEquals(2, report.merged().size());
            assertTrue(report.lossAfter() < report.lossBefore());
            assertEquals(1.0f, report.alphas().values().stream().reduce(0f, Float::sum), 0f);
            LatestPointer after = ModelPublisher.readLatest(store).orElseThrow();
            assertEquals(report.newRevision(), after.revision());
            assertNotEquals(before.revision(), after.revision());
            assertEquals(2, after.round()); // block 28 is in round 1, so the new base trains from round 2
            byte[] model = store.getBytes(GetRequest.of(StorageLayout.modelKey(after.revision()), 1 << 24));
            assertEquals(after.revision(), Sha256.of(model));
            assertEquals(1, OuterOptimizer.load(tmp.resolve("state").resolve(AveragerSettings.MOMENTUM_FILE),
                    f.weights(store, before.revision()), 0.7f, 0.9f).steps());
            assertEquals(before.revision(), f.roundBase(store, 1).revision(), "round 1 had started: its base stays");
            assertEquals(after.revision(), f.roundBase(store, 2).revision());
            MergeReport written = MergeReport.read(tmp.resolve("state/merges/0.json"));
            assertEquals(report, written);
        }
    }

    @Test
    void harmfulDeltasScoreNothingAndAreNeverMergedSoLatestAndMomentumStay() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            LatestPointer before = f.seedBase(store, 1);
            for (String name : List.of("Miner1", "Miner2")) {
                f.submit(store, f.registerMiner(name), 0, SubnetFixture.Behaviour.NOISE);
            }
            f.advanceTo(30);

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertFalse(report.accepted());
            assertNull(report.newRevision());
            assertEquals(List.of(), report.merged(), "noise lowers no loss, so validators would not pay it either");
            assertEquals("no usable deltas", report.note());
            assertEquals(before, ModelPublisher.readLatest(store).orElseThrow());
            assertFalse(Files.exists(tmp.resolve("state").resolve(AveragerSettings.MOMENTUM_FILE)));
            assertEquals(0, report.outerSteps());
            assertFalse(report.momentumReset(), "there was no momentum to reset");
            assertEquals(List.of(before.revision()), store.list("models/").stream()
                    .map(o -> o.key().split("/")[1]).distinct().toList());
        }
    }

    @Test
    void skipsHostileDeltasWithAReasonAndMergesTheRest() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            f.seedBase(store, 1);
            Sr25519KeyPair honest = f.registerMiner("Miner1");
            Sr25519KeyPair badSha = f.registerMiner("Miner2");
            Sr25519KeyPair forged = f.registerMiner("Miner3");
            f.submit(store, honest, 0, SubnetFixture.Behaviour.HONEST);
            f.submit(store, badSha, 0, SubnetFixture.Behaviour.WRONG_BYTES);
            f.submit(store, forged, 0, SubnetFixture.Behaviour.FORGED_MANIFEST);
            f.advanceTo(30);

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertEquals(List.of(honest.ss58Address()), report.merged());
            assertEquals(2, report.skipped().size());
            assertTrue(report.skipped().get(badSha.ss58Address()).startsWith("delta hash mismatch"),
                    report.skipped().toString());
            assertTrue(report.skipped().get(forged.ss58Address()).startsWith("bad signature"),
                    report.skipped().toString());
        }
    }

    @Test
    void ignoresCommitmentsOfOtherRoundsAndLateOnes() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            f.seedBase(store, 1);
            Sr25519KeyPair late = f.registerMiner("Miner1");
            Sr25519KeyPair other = f.registerMiner("Miner2");
            f.submit(store, other, 1, SubnetFixture.Behaviour.HONEST); // for round 1, not 0
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(0));
            f.submit(store, late, 0, SubnetFixture.Behaviour.HONEST); // in the deadline block: too late
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(0));

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertEquals(List.of(), report.merged());
            assertFalse(report.accepted());
            assertFalse(report.scores().containsKey(late.ss58Address()), "a commitment in the deadline block does not count");
            assertFalse(report.scores().containsKey(other.ss58Address()), "a commitment for round 1 does not count for 0");
        }
    }

    @Test
    void aLaterCommitmentOfTheSameDeltaIsACopyAndSameBlockTwinsAreBothSkipped() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            f.seedBase(store, 1);
            Sr25519KeyPair original = f.registerMiner("Miner1");
            Sr25519KeyPair copier = f.registerMiner("Miner2");
            Sr25519KeyPair twinA = f.registerMiner("Miner3");
            Sr25519KeyPair twinB = f.registerMiner("Miner4");
            ParameterSet delta = f.delta(store, original, 0, SubnetFixture.Behaviour.HONEST);
            long first = f.commit(store, original, 0, delta, SubnetFixture.Behaviour.HONEST);
            f.advanceTo(first + 1);
            f.commit(store, copier, 0, delta, SubnetFixture.Behaviour.HONEST);
            ParameterSet twins = f.delta(store, twinA, 0, SubnetFixture.Behaviour.HONEST);
            long a = f.commit(store, twinA, 0, twins, SubnetFixture.Behaviour.HONEST);
            long b = f.commit(store, twinB, 0, twins, SubnetFixture.Behaviour.HONEST);
            assertEquals(a, b, "the fixture's clock stands still between the twins' commitments");
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(0));

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertEquals(List.of(original.ss58Address()), report.merged());
            assertTrue(report.skipped().get(copier.ss58Address()).startsWith("COPY: "), report.skipped().toString());
            assertTrue(report.skipped().get(twinA.ss58Address()).startsWith("COPY: "), report.skipped().toString());
            assertTrue(report.skipped().get(twinB.ss58Address()).startsWith("COPY: "), report.skipped().toString());
            assertTrue(report.skipped().values().stream().anyMatch(v -> v.contains("in the same block " + a)),
                    report.skipped().toString());
        }
    }

    @Test
    void sameStateGivesTheSameRevisionInTwoStores() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore a = f.store("averager-a"); ObjectStore b = f.store("averager-b")) {
            f.seedBase(a, 1);
            f.seedBase(b, 1);
            for (String name : List.of("Miner1", "Miner2")) {
                f.submit(a, f.registerMiner(name), 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(30);

            MergeReport first = f.averager(a, tmp.resolve("state-a")).run(0);
            MergeReport second = f.averager(b, tmp.resolve("state-b")).run(0);

            assertTrue(first.accepted());
            assertEquals(first.newRevision(), second.newRevision());
            assertEquals(first.alphas(), second.alphas());
            assertArrayEquals(a.getBytes(GetRequest.of(StorageLayout.modelKey(first.newRevision()), 1 << 24)),
                    b.getBytes(GetRequest.of(StorageLayout.modelKey(second.newRevision()), 1 << 24)));
        }
    }

    @Test
    void aCrashBeforeThePointerMoveKeepsTheOldLatestAndARetryPublishes() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore real = f.store("averager")) {
            LatestPointer before = f.seedBase(real, 1);
            for (String name : List.of("Miner1", "Miner2")) {
                f.submit(real, f.registerMiner(name), 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(30);
            Path state = tmp.resolve("state");

            ObjectStore crashing = new PointerFailingStore(real);
            RuntimeException crash = assertThrows(RuntimeException.class, () -> f.averager(crashing, state).run(0));

            assertTrue(crash.getMessage().contains("latest"), crash.getMessage());
            assertEquals(before, ModelPublisher.readLatest(real).orElseThrow());
            assertFalse(Files.exists(state.resolve(AveragerSettings.MOMENTUM_FILE)));
            assertTrue(Files.exists(state.resolve(MomentumStore.NEXT_FILE)), "staged for the revision that never became latest");
            assertFalse(Files.exists(state.resolve("merges/0.json")));

            MergeReport retry = f.averager(real, state).run(0);

            assertTrue(retry.accepted());
            LatestPointer after = ModelPublisher.readLatest(real).orElseThrow();
            assertEquals(retry.newRevision(), after.revision());
            assertEquals(after.revision(), Sha256.of(real.getBytes(
                    GetRequest.of(StorageLayout.modelKey(after.revision()), 1 << 24))));
            assertEquals(1, retry.outerSteps());
            assertFalse(Files.exists(state.resolve(MomentumStore.NEXT_FILE)));
            assertEquals(after.revision(), OuterOptimizer.load(state.resolve(AveragerSettings.MOMENTUM_FILE),
                    f.weights(real, before.revision()), 0.7f, 0.9f)
                    .revision(), "the momentum is tagged with the revision latest names");
        }
    }

    /**
     * Every round counts under pipelined timing: round 0's merge lands in round 1 and becomes round 2's
     * base; round 1's deltas (trained on the seed, round 1's base) are still merged, onto the newest base
     * (a one-round-delayed outer step), and that merge becomes round 3's base. A round of harmful deltas
     * in between merges nothing and moves nothing.
     */
    @Test
    void everyRoundIsMergedAndALateMergeIsAppliedToTheNewestBase() throws Exception {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (ObjectStore store = f.store("averager")) {
            LatestPointer seed = f.seedBase(store, 1);
            List<Sr25519KeyPair> miners = List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2"));
            AveragerRound averager = f.averager(store, state, LocatorSchemes.of(List.of("file")), metrics,
                    () -> false, s -> s);
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(SubnetFixture.CLOCK.startBlock(1) + 2);
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 1, SubnetFixture.Behaviour.HONEST); // round 1 trains on the seed meanwhile
            }
            MergeReport first = averager.run(0);
            assertTrue(first.accepted(), first.toString());
            assertEquals(2L, first.firstRound());

            f.advanceTo(SubnetFixture.CLOCK.readableBlock(1) + 1);
            MergeReport second = averager.run(1);

            assertEquals(seed.revision(), second.baseRevision(), "round 1's deltas were trained on the seed");
            assertEquals(first.newRevision(), second.targetRevision(), "and are applied to the newest base");
            assertTrue(second.accepted(), second.toString());
            assertEquals(3L, second.firstRound());
            assertEquals(first.newRevision(), f.roundBase(store, 2).revision());
            assertEquals(second.newRevision(), f.roundBase(store, 3).revision());
            assertEquals(seed.revision(), f.roundBase(store, 1).revision());

            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 2, SubnetFixture.Behaviour.NOISE);
            }
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(2) + 1);
            MergeReport harmful = averager.run(2);
            assertFalse(harmful.accepted());
            assertEquals(List.of(), harmful.merged());
            assertEquals(second.newRevision(), ModelPublisher.readLatest(store).orElseThrow().revision());
            assertEquals(2, harmful.outerSteps(), "the momentum is kept when nothing was merged");
            String scraped = scrape(metrics);
            assertTrue(scraped.contains("tensorswarm_loss{kind=\"merged\"} " + second.lossAfter()), scraped);
        }
    }

    @Test
    void theDefaultLocatorPolicyRefusesFileLocatorsAndCountsThemAsRejectedDeltas() throws Exception {
        SubnetFixture f = new SubnetFixture(tmp);
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (ObjectStore store = f.store("averager")) {
            LatestPointer before = f.seedBase(store, 1);
            Sr25519KeyPair miner = f.registerMiner("Miner1");
            f.submit(store, miner, 0, SubnetFixture.Behaviour.HONEST);
            f.advanceTo(30);
            boolean[] opened = {false};

            MergeReport report = f.averager(store, tmp.resolve("state"), LocatorSchemes.REMOTE, metrics,
                    () -> false, s -> {
                        opened[0] = true;
                        return s;
                    }).run(0);

            assertEquals(List.of(), report.merged());
            assertTrue(report.skipped().get(miner.ss58Address()).startsWith("locator not allowed"),
                    report.skipped().toString());
            assertFalse(opened[0], "the refused locator was never opened");
            assertEquals(before, ModelPublisher.readLatest(store).orElseThrow());
            assertTrue(scrape(metrics).contains("tensorswarm_errors_total{kind=\"delta_rejected\"} 1.0"));
        }
    }

    private static OuterOptimizer load(Path state, ParameterSet base) {
        return OuterOptimizer.load(state.resolve(AveragerSettings.MOMENTUM_FILE), base, 0.7f, 0.9f);
    }

    static String scrape(DaemonMetrics metrics) throws IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void aRestartKeepsTheOuterMomentum() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        try (ObjectStore store = f.store("averager")) {
            f.seedBase(store, 1);
            List<Sr25519KeyPair> miners = List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2"));
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(30);
            Path state = tmp.resolve("state");
            assertTrue(f.averager(store, state).run(0).accepted());
            LatestPointer round1Base = ModelPublisher.readLatest(store).orElseThrow();
            ParameterSet base1 = f.weights(store, round1Base.revision());
            OuterOptimizer saved = OuterOptimizer.load(state.resolve(AveragerSettings.MOMENTUM_FILE), base1, 0.7f, 0.9f);

            f.advanceTo(41); // round 2 trains on round 0's merge
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 2, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(61);
            copyTree(tmp.resolve("averager"), tmp.resolve("averager-copy"));
            MergeReport withoutMomentum;
            try (ObjectStore copy = f.store("averager-copy")) {
                withoutMomentum = f.averager(copy, tmp.resolve("fresh-state")).run(2);
            }
            MergeReport second = f.averager(store, state).run(2); // a new averager instance: a restart

            assertEquals(1, saved.steps());
            assertEquals(round1Base.revision(), second.baseRevision());
            assertEquals(second.accepted() ? 2 : 1, second.outerSteps(), second.toString());
            assertEquals(withoutMomentum.accepted() ? 1 : 0, withoutMomentum.outerSteps());
            assertEquals(withoutMomentum.lossBefore(), second.lossBefore());
            // The loaded velocity changed the step (when that step was rejected, the report keeps its loss).
            Double withMomentum = second.momentumReset() ? second.lossWithMomentum() : second.lossAfter();
            assertNotEquals(withoutMomentum.lossAfter(), withMomentum, second.toString());
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (var paths = Files.walk(from)) {
            for (Path p : paths.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }
}
