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
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(0) + 10);

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertTrue(report.accepted(), report.note());
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
                    ModelDirectory.readWeights(new BaseModelCache(store, tmp.resolve("c")).fetch(before)), 0.7f, 0.9f)
                    .steps());
            MergeReport written = MergeReport.read(tmp.resolve("state/merges/0.json"));
            assertEquals(report, written);
        }
    }

    @Test
    void rejectsARoundOfHarmfulDeltasAndLeavesLatestAndMomentumAlone() throws IOException {
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
            assertTrue(!(report.lossAfter() < report.lossBefore()), report.toString());
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
            assertTrue(report.skipped().get(badSha.ss58Address()).toLowerCase().contains("sha"),
                    report.skipped().toString());
            assertTrue(report.skipped().get(forged.ss58Address()).toLowerCase().contains("signature"),
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

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertEquals(List.of(), report.merged());
            assertFalse(report.accepted());
            assertTrue(report.skipped().get(late.ss58Address()).contains("deadline"), report.skipped().toString());
            assertFalse(report.skipped().containsKey(other.ss58Address()));
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
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(0));

            MergeReport report = f.averager(store, tmp.resolve("state")).run(0);

            assertEquals(List.of(original.ss58Address()), report.merged());
            assertTrue(report.skipped().get(copier.ss58Address()).contains("copy: the same delta hash was committed in block "
                    + first), report.skipped().toString());
            assertTrue(report.skipped().get(twinA.ss58Address()).contains("same block"), report.skipped().toString());
            assertTrue(report.skipped().get(twinB.ss58Address()).contains("same block"), report.skipped().toString());
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
                    ModelDirectory.readWeights(new BaseModelCache(real, tmp.resolve("c")).fetch(before)), 0.7f, 0.9f)
                    .revision(), "the momentum is tagged with the revision latest names");
        }
    }

    /**
     * Momentum 0.9 over three rounds: an accepted merge builds momentum, a rejected one (noise)
     * resets it to zero on disk, and the next honest round is accepted again, stepping from rest.
     */
    @Test
    void aRejectedMergeResetsTheSavedMomentumAndTheNextRoundIsAcceptedAgain() throws Exception {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (ObjectStore store = f.store("averager")) {
            f.seedBase(store, 1);
            List<Sr25519KeyPair> miners = List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2"));
            AveragerRound averager = f.averager(store, state, LocatorPolicy.parse("file"), metrics, () -> false,
                    s -> s);
            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 0, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(0) + 1);
            assertTrue(averager.run(0).accepted());
            LatestPointer afterFirst = ModelPublisher.readLatest(store).orElseThrow();
            ParameterSet base1 = ModelDirectory.readWeights(new BaseModelCache(store, tmp.resolve("c")).fetch(afterFirst));
            assertTrue(load(state, base1).hasMomentum());

            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 1, SubnetFixture.Behaviour.NOISE);
            }
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(1) + 1);
            MergeReport rejected = averager.run(1);

            assertFalse(rejected.accepted());
            assertTrue(rejected.momentumReset(), rejected.toString());
            assertTrue(rejected.note().contains("momentum reset"), rejected.note());
            assertEquals(afterFirst, ModelPublisher.readLatest(store).orElseThrow());
            OuterOptimizer reset = load(state, base1);
            assertFalse(reset.hasMomentum(), "the rejected round's momentum is not kept on disk");
            assertEquals(1, reset.steps());
            assertEquals(1, reset.restarts());
            assertEquals(afterFirst.revision(), reset.revision());

            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 2, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(SubnetFixture.CLOCK.deadlineBlock(2) + 1);
            MergeReport third = averager.run(2);

            assertTrue(third.accepted(), third.toString());
            assertFalse(third.momentumReset(), "stepping from zero velocity needs no reset");
            assertEquals(2, third.outerSteps());
            LatestPointer afterThird = ModelPublisher.readLatest(store).orElseThrow();
            assertEquals(third.newRevision(), afterThird.revision());
            String scraped = scrape(metrics);
            assertTrue(scraped.contains("tensorswarm_errors_total{kind=\"merge_rejected\"} 1.0"), scraped);
            assertTrue(scraped.contains("tensorswarm_loss{kind=\"base\"} " + third.lossBefore()), scraped);
            assertTrue(scraped.contains("tensorswarm_loss{kind=\"merged\"} " + third.lossAfter()), scraped);
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

            MergeReport report = f.averager(store, tmp.resolve("state"), LocatorPolicy.defaults(), metrics,
                    () -> false, s -> {
                        opened[0] = true;
                        return s;
                    }).run(0);

            assertEquals(List.of(), report.merged());
            assertEquals("locator scheme 'file' is not allowed (--locators.allow s3,hf)",
                    report.skipped().get(miner.ss58Address()));
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
            ParameterSet base1 = ModelDirectory.readWeights(new BaseModelCache(store, tmp.resolve("c")).fetch(round1Base));
            OuterOptimizer saved = OuterOptimizer.load(state.resolve(AveragerSettings.MOMENTUM_FILE), base1, 0.7f, 0.9f);

            for (Sr25519KeyPair m : miners) {
                f.submit(store, m, 1, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(50);
            copyTree(tmp.resolve("averager"), tmp.resolve("averager-copy"));
            MergeReport withoutMomentum;
            try (ObjectStore copy = f.store("averager-copy")) {
                withoutMomentum = f.averager(copy, tmp.resolve("fresh-state")).run(1);
            }
            MergeReport second = f.averager(store, state).run(1); // a new averager instance: a restart

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
