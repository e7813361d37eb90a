package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.averager.run.MergeReport;
import io.tensorswarm.averager.run.ModelPublisher;
import io.tensorswarm.averager.run.MomentumStore;
import io.tensorswarm.averager.run.SubnetFixture;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.ChildJvm;
import io.tensorswarm.common.testing.TestModels;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code averager run} as a real daemon: {@link Main} in a child JVM on a temp embedded chain
 * (wall-clock blocks of 100 ms, shared with this JVM through its folder), {@code file://} stores and
 * a micro model, stopped with real SIGTERM and SIGKILL. The merge is made deliberately long (many
 * held-out pages, many mixing passes) so that a signal sent when the daemon logs "merging" lands
 * inside it.
 */
class AveragerDaemonTest {
    /** What the JVM exits with after running its hooks for SIGTERM (128 + 15). */
    private static final int SIGTERM_EXIT = 143;
    private static final Duration START = Duration.ofSeconds(90);
    private static final Duration GRACE = Duration.ofSeconds(20);
    private static final Pattern METRICS_PORT = Pattern.compile("metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");

    @TempDir Path tmp;

    /** A subnet with a seeded base, two miners' committed deltas for {@link #round}, and a saved momentum. */
    private final class Subnet implements AutoCloseable {
        final SubnetFixture f;
        final ObjectStore store;
        final LatestPointer seeded;
        final List<Sr25519KeyPair> miners = new ArrayList<>();
        final Path state = tmp.resolve("state");
        final Path data;
        long round;

        Subnet() throws IOException {
            f = SubnetFixture.realTime(tmp, Duration.ofMillis(100));
            store = f.store("averager");
            seeded = f.seedBase(store, 1);
            miners.add(f.registerMiner("Miner1"));
            miners.add(f.registerMiner("Miner2"));
            round = commitRound(SubnetFixture.Behaviour.HONEST);
            // Momentum left by an earlier accepted step, tagged with the current latest.
            ParameterSet base = base(seeded);
            OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
            outer.accept(outer.propose(base, SubnetFixture.noiseLike(base, 1e-3, 99))); // any velocity of the right shape
            new MomentumStore(state).save(outer, seeded.revision());
            // The English sample, 40 times: enough pages for a merge that takes a few seconds.
            String text = Files.readString(TestModels.writeEnglishSample(tmp.resolve("sample/english.txt")));
            data = Files.writeString(tmp.resolve("data.txt"), text.repeat(40));
        }

        /** Trains the miners' deltas on the current latest and commits them for a round still open; returns it. */
        long commitRound(SubnetFixture.Behaviour behaviour) throws IOException {
            return commitRound(behaviour, 1);
        }

        /**
         * Commits a round {@code ahead} rounds from now. The micro model's deltas of consecutive rounds on one
         * base are alike enough (novelty 0.16-0.34) that the replay screen may take one for a replay of the
         * last; a round beyond the screen's window of earlier rounds is compared with nothing.
         */
        long commitRound(SubnetFixture.Behaviour behaviour, int ahead) throws IOException {
            // The next round: train on its base (nobody publishes meanwhile), then commit inside it.
            long r = SubnetFixture.CLOCK.roundOf(f.chain.currentBlock()) + ahead;
            List<ParameterSet> deltas = new ArrayList<>();
            for (Sr25519KeyPair m : miners) {
                deltas.add(f.delta(store, m, r, behaviour));
            }
            if (f.chain.currentBlock() >= SubnetFixture.CLOCK.startBlock(r) + 3) {
                r = SubnetFixture.CLOCK.roundOf(f.chain.currentBlock()) + 1; // training took a round: the base is the same
            }
            f.advanceTo(SubnetFixture.CLOCK.startBlock(r));
            for (int i = 0; i < miners.size(); i++) {
                long at = f.commit(store, miners.get(i), r, deltas.get(i), behaviour);
                assertTrue(SubnetFixture.CLOCK.isInSubmissionWindow(r, at), "committed in block " + at + " for round " + r);
            }
            return r;
        }

        ParameterSet base(LatestPointer pointer) {
            return ModelDirectory.readWeights(new io.tensorswarm.protocol.BaseModelSource(store, tmp.resolve("cache"), io.tensorswarm.protocol.BaseModelSource.DEFAULT_MAX_MODEL_BYTES).fetch(pointer.revision()).dir());
        }

        LatestPointer latest() {
            return ModelPublisher.readLatest(store).orElseThrow();
        }

        /** Asserts that latest names a complete revision whose weights hash to its name; returns it. */
        LatestPointer assertLatestComplete() {
            LatestPointer latest = latest();
            byte[] weights = store.getBytes(GetRequest.of(StorageLayout.modelKey(latest.revision()), 1 << 24));
            assertEquals(latest.revision(), Sha256.of(weights), "latest names a complete revision");
            assertTrue(store.stat(StorageLayout.modelConfigKey(latest.revision())).isPresent());
            return latest;
        }

        /** Returns the momentum as a restarted averager loads it (settling a staged file). */
        OuterOptimizer momentum() {
            LatestPointer latest = latest();
            return new MomentumStore(state).load(latest.revision(), base(latest), 0.7f, 0.9f);
        }

        List<String> revisions() {
            return store.list("models/").stream().map(o -> o.key().split("/")[1]).distinct().sorted().toList();
        }

        ChildJvm start(long startRound, String logName) throws IOException {
            List<String> args = List.of("run", "--subtensor.network", "embedded", "--local-chain.dir",
                    f.chainDir().toString(), "--netuid", Integer.toString(SubnetFixture.NETUID), "--storage.location",
                    f.storeUri("averager"), "--data", data.toString(), "--token-cache", tmp.resolve("tok").toString(),
                    "--state.dir", state.toString(), "--round.blocks", "20", "--round.deadline-margin", "2",
                    "--merge.delay-blocks", "0", "--start-round", Long.toString(startRound),
                    "--merge.fit-pages", "300", "--merge.check-pages", "300", "--merge.mixing-iterations", "6",
                    "--miner.pages", Integer.toString(SubnetFixture.MINER_PAGES), "--poll-seconds", "0.05",
                    "--shutdown.grace", "PT" + GRACE.toSeconds() + "S", "--metrics.port", "0",
                    "--codec", "fp32"); // SubnetFixture's miners publish fp32
            return ChildJvm.start(Main.class, args, Map.of("TS_LOCATORS_ALLOW", "file"), tmp.resolve(logName));
        }

        @Override
        public void close() {
            store.close();
            f.chain.close();
        }
    }

    private static String get(int port, String path) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
        return r.statusCode() + " " + r.body();
    }

    @Test
    void anUnreadableMomentumFileStopsTheDaemonNamingItInsteadOfSkippingRoundsForever() throws Exception {
        try (Subnet s = new Subnet()) {
            Path momentum = s.state.resolve(MomentumStore.FILE);
            byte[] garbage = "not a safetensors file".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            Files.write(momentum, garbage);
            try (ChildJvm averager = s.start(s.round, "bad-momentum.log")) {
                int exit = averager.awaitExit(START);
                String out = averager.output();
                assertTrue(exit != 0, "exit " + exit + ": " + out);
                assertTrue(out.contains(momentum.toString()), out);
                assertFalse(out.contains("round failed"), "it stopped at once: " + out);
            }
            assertArrayEquals(garbage, Files.readAllBytes(momentum), "the file is left for the operator");
            assertEquals(s.seeded, s.latest());
        }
    }

    @Test
    void sigtermDuringAMergeAbandonsItBeforePublishingAndExits143WithinTheGrace() throws Exception {
        try (Subnet s = new Subnet()) {
            byte[] momentumBefore = Files.readAllBytes(s.state.resolve(MomentumStore.FILE));
            try (ChildJvm averager = s.start(s.round, "sigterm.log")) {
                assertTrue(averager.awaitOutput("r=" + s.round + " merging 2 deltas", START), averager.output());
                long sent = System.nanoTime();
                averager.sigterm();
                assertEquals(SIGTERM_EXIT, averager.awaitExit(GRACE.plusSeconds(10)), averager.output());
                long tookMs = (System.nanoTime() - sent) / 1_000_000;

                String out = averager.output();
                assertTrue(tookMs < GRACE.toMillis(), "stopped after " + tookMs + " ms");
                assertTrue(out.contains("r=" + s.round + " abandoned"), out);
                assertTrue(out.contains("stopped cleanly"), out);
                assertTrue(out.contains("[averager netuid=1] AveragerRound - r=" + s.round + " merging"), out);
            }
            assertEquals(s.seeded, s.latest());
            assertEquals(List.of(s.seeded.revision()), s.revisions(), "nothing of the merge was uploaded");
            assertFalse(Files.exists(s.state.resolve("merges/" + s.round + ".json")));
            assertArrayEquals(momentumBefore, Files.readAllBytes(s.state.resolve(MomentumStore.FILE)));
            assertFalse(Files.exists(s.state.resolve(MomentumStore.NEXT_FILE)));
        }
    }

    @Test
    void killMinus9MidMergeAndMidPublishKeepsLatestCompleteAndTheMomentumAndARestartCompletesTheNextRound()
            throws Exception {
        try (Subnet s = new Subnet()) {
            byte[] momentumBefore = Files.readAllBytes(s.state.resolve(MomentumStore.FILE));

            try (ChildJvm averager = s.start(s.round, "kill-merge.log")) {
                assertTrue(averager.awaitOutput("r=" + s.round + " merging", START), averager.output());
                averager.sigkill();
                averager.awaitExit(Duration.ofSeconds(10));
            }
            assertEquals(s.seeded, s.assertLatestComplete());
            assertEquals(List.of(s.seeded.revision()), s.revisions());
            assertArrayEquals(momentumBefore, Files.readAllBytes(s.state.resolve(MomentumStore.FILE)));
            assertFalse(Files.exists(s.state.resolve("merges/" + s.round + ".json")));

            try (ChildJvm averager = s.start(s.round, "kill-publish.log")) {
                assertTrue(averager.awaitOutput("r=" + s.round + " publishing", START), averager.output());
                averager.sigkill();
                averager.awaitExit(Duration.ofSeconds(10));
            }
            // Wherever the kill landed in the publish: latest is complete and the momentum matches it.
            LatestPointer afterKill = s.assertLatestComplete();
            System.out.println("kill -9 during the publish left latest on the " + (afterKill.equals(s.seeded) ? "old"
                    : "new") + " revision; staged momentum: " + Files.exists(s.state.resolve(MomentumStore.NEXT_FILE)));
            OuterOptimizer momentum = s.momentum();
            assertEquals(afterKill.revision(), momentum.revision());
            assertEquals(afterKill.equals(s.seeded) ? 1 : 2, momentum.steps(), "latest " + afterKill);

            // The restart completes the next round: fresh deltas on whatever latest is now.
            long next = s.commitRound(SubnetFixture.Behaviour.HONEST,
                    1 + io.tensorswarm.protocol.scoring.SketchHistory.DEFAULT_WINDOW);
            try (ChildJvm averager = s.start(next, "restart.log")) {
                assertTrue(averager.awaitOutput("\nr=" + next + " ", START), averager.output()); // its stdout summary
                Matcher port = METRICS_PORT.matcher(averager.output());
                assertTrue(port.find(), averager.output());
                String health = get(Integer.parseInt(port.group(1)), "/health");
                String metrics = get(Integer.parseInt(port.group(1)), "/metrics");
                averager.sigterm();
                assertEquals(SIGTERM_EXIT, averager.awaitExit(GRACE), averager.output());

                assertTrue(health.startsWith("200 ") && health.contains("\"status\":\"ok\""), health);
                assertTrue(metrics.contains("tensorswarm_info{daemon=\"averager\",hotkey=\"\",netuid=\"1\""), metrics);
                Matcher round = Pattern.compile("\ntensorswarm_round (\\d+)\\.0\n").matcher(metrics);
                assertTrue(round.find() && Long.parseLong(round.group(1)) >= next, metrics); // it may have moved on
                assertTrue(Pattern.compile("tensorswarm_rounds_completed_total [1-9]").matcher(metrics).find(), metrics);
                assertTrue(metrics.contains("tensorswarm_loss{kind=\"base\"}"), metrics);
                assertTrue(metrics.contains("tensorswarm_loss{kind=\"merged\"}"), metrics);
                assertTrue(Pattern.compile("tensorswarm_bytes_downloaded_total [1-9]").matcher(metrics).find(), metrics);
                assertTrue(Pattern.compile("tensorswarm_bytes_uploaded_total [1-9]").matcher(metrics).find()
                        || !averager.output().contains("published; latest moved"), metrics);
            }
            MergeReport report = MergeReport.read(s.state.resolve("merges/" + next + ".json"));
            assertEquals(afterKill.revision(), report.baseRevision());
            assertEquals(2, report.merged().size(), report.toString());
            LatestPointer end = s.assertLatestComplete();
            assertEquals(report.accepted() ? report.newRevision() : afterKill.revision(), end.revision());
            assertEquals(end.revision(), s.momentum().revision());
            assertEquals(momentum.steps() + (report.accepted() ? 1 : 0), s.momentum().steps());
        }
    }
}
