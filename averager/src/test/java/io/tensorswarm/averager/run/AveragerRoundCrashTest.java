package io.tensorswarm.averager.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stop requests and process deaths at each point of a round, in-process and deterministic: a store
 * wrapper raises the stop or "dies" (throws an {@link Error} nothing catches, so no cleanup or
 * later write runs, as with kill -9) at an exact call. After each, {@code latest} names a
 * complete, hash-verified revision, the momentum matches it, and a fresh averager instance (a
 * restart) completes the round. The real-signal versions of these run in {@code
 * AveragerDaemonTest}.
 */
class AveragerRoundCrashTest {
    @TempDir Path tmp;

    /** What a kill -9 leaves: the call never returns, nothing after it runs. */
    static final class Killed extends Error {
        private static final long serialVersionUID = 1L;

        Killed(String where) {
            super("killed " + where);
        }
    }

    /** A store that runs {@code before} on each put matching {@code when} (which may throw). */
    static final class OnPut extends ForwardingObjectStore {
        private final Predicate<PutRequest> when;
        private final Runnable action;
        private final boolean after;

        OnPut(ObjectStore delegate, Predicate<PutRequest> when, boolean after, Runnable action) {
            super(delegate);
            this.when = when;
            this.after = after;
            this.action = action;
        }

        @Override
        public ObjectInfo put(PutRequest request) {
            boolean match = when.test(request);
            if (match && !after) {
                action.run();
            }
            ObjectInfo info = delegate.put(request);
            if (match && after) {
                action.run();
            }
            return info;
        }

        @Override
        public void close() {} // the test closes the real store
    }

    private static boolean isWeights(PutRequest r) {
        return r.key().startsWith("models/") && r.key().endsWith("/model.safetensors");
    }

    private static void assertLatestIsComplete(ObjectStore store) {
        LatestPointer latest = ModelPublisher.readLatest(store).orElseThrow();
        byte[] weights = store.getBytes(GetRequest.of(StorageLayout.modelKey(latest.revision()), 1 << 24));
        assertEquals(latest.revision(), Sha256.of(weights), "latest names a complete revision");
        assertTrue(store.stat(StorageLayout.modelConfigKey(latest.revision())).isPresent());
    }

    private OuterOptimizer momentum(Path state, ObjectStore store) {
        LatestPointer latest = ModelPublisher.readLatest(store).orElseThrow();
        ParameterSet base = ModelDirectory.readWeights(new io.tensorswarm.protocol.BaseModelSource(store, tmp.resolve("c"), io.tensorswarm.protocol.BaseModelSource.DEFAULT_MAX_MODEL_BYTES).fetch(latest.revision()).dir());
        return new MomentumStore(state).load(latest.revision(), base, 0.7f, 0.9f);
    }

    private SubnetFixture roundZero(ObjectStore store, List<Sr25519KeyPair> miners, SubnetFixture f) throws IOException {
        for (Sr25519KeyPair m : miners) {
            f.submit(store, m, 0, SubnetFixture.Behaviour.HONEST);
        }
        f.advanceTo(SubnetFixture.CLOCK.readableBlock(0) + 1);
        return f;
    }

    @Test
    void aStopWhileFetchingDeltasAbandonsTheRoundWithoutTraceAndARestartCompletesIt() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        try (ObjectStore store = f.store("averager")) {
            LatestPointer before = f.seedBase(store, 1);
            roundZero(store, List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2")), f);
            AtomicBoolean stop = new AtomicBoolean();

            AveragerRound stopping = f.averager(store, state, io.tensorswarm.protocol.fetch.LocatorSchemes.of(java.util.List.of("file")), DaemonMetrics.unexported(),
                    stop::get, minerStore -> {
                        stop.set(true); // SIGTERM arrives while the first delta is being fetched
                        return minerStore;
                    });
            CancellationException e = assertThrows(CancellationException.class, () -> stopping.run(0));

            assertTrue(e.getMessage().contains("abandoned"), e.getMessage()); // during the fetches or right after
            assertEquals(before, ModelPublisher.readLatest(store).orElseThrow());
            assertEquals(List.of(before.revision()), revisions(store));
            assertFalse(Files.exists(state.resolve("merges/0.json")));
            assertFalse(Files.exists(state.resolve(MomentumStore.FILE)));
            assertFalse(Files.exists(state.resolve(MomentumStore.NEXT_FILE)));

            MergeReport restarted = f.averager(store, state).run(0);

            assertTrue(restarted.accepted(), restarted.toString());
            assertLatestIsComplete(store);
        }
    }

    @Test
    void aStopDuringTheUploadLetsThePublishFinish() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        try (ObjectStore real = f.store("averager")) {
            f.seedBase(real, 1);
            roundZero(real, List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2")), f);
            AtomicBoolean stop = new AtomicBoolean();
            ObjectStore store = new OnPut(real, AveragerRoundCrashTest::isWeights, false, () -> stop.set(true));

            MergeReport report = f.averager(store, state, io.tensorswarm.protocol.fetch.LocatorSchemes.of(java.util.List.of("file")), DaemonMetrics.unexported(),
                    stop::get, s -> s).run(0);

            assertTrue(stop.get());
            assertTrue(report.accepted());
            assertEquals(report.newRevision(), ModelPublisher.readLatest(real).orElseThrow().revision());
            assertLatestIsComplete(real);
            assertEquals(report.newRevision(), momentum(state, real).revision());
            assertEquals(1, momentum(state, real).steps());
        }
    }

    @Test
    void aKillWhileUploadingTheModelNeverMakesTheTornRevisionLatestAndARestartPublishesIt() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        try (ObjectStore real = f.store("averager")) {
            LatestPointer before = f.seedBase(real, 1);
            roundZero(real, List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2")), f);
            // A backend without atomic puts dies half-way through the weights: a torn object is left.
            ObjectStore dying = new ForwardingObjectStore(real) {
                @Override
                public ObjectInfo put(PutRequest request) {
                    if (isWeights(request)) {
                        try {
                            byte[] all = Files.readAllBytes(request.file());
                            delegate.put(PutRequest.ofBytes(request.key(), Arrays.copyOf(all, all.length / 2)));
                        } catch (IOException e) {
                            throw new IllegalStateException(e);
                        }
                        throw new Killed("while uploading " + request.key());
                    }
                    return delegate.put(request);
                }

                @Override
                public void close() {}
            };

            assertThrows(Killed.class, () -> f.averager(dying, state).run(0));

            String torn = revisions(real).stream().filter(r -> !r.equals(before.revision())).findFirst().orElseThrow();
            assertNotEquals(torn, Sha256.of(real.getBytes(GetRequest.of(StorageLayout.modelKey(torn), 1 << 24))));
            assertEquals(before, ModelPublisher.readLatest(real).orElseThrow());
            assertLatestIsComplete(real);
            assertFalse(Files.exists(state.resolve(MomentumStore.NEXT_FILE)), "nothing staged before the upload");

            MergeReport restarted = f.averager(real, state).run(0);

            assertTrue(restarted.accepted());
            assertEquals(torn, restarted.newRevision(), "the same revision, now complete");
            assertLatestIsComplete(real);
            assertEquals(1, momentum(state, real).steps());
        }
    }

    @Test
    void aKillBetweenThePointerMoveAndTheMomentumCommitLosesNoMomentum() throws IOException {
        SubnetFixture f = new SubnetFixture(tmp);
        Path state = tmp.resolve("state");
        try (ObjectStore real = f.store("averager")) {
            f.seedBase(real, 1);
            List<Sr25519KeyPair> miners = List.of(f.registerMiner("Miner1"), f.registerMiner("Miner2"));
            roundZero(real, miners, f);
            ObjectStore dying = new OnPut(real, r -> r.key().equals(StorageLayout.LATEST), true, () -> {
                throw new Killed("right after latest moved");
            });

            assertThrows(Killed.class, () -> f.averager(dying, state).run(0));

            LatestPointer moved = ModelPublisher.readLatest(real).orElseThrow();
            assertLatestIsComplete(real);
            assertTrue(Files.exists(state.resolve(MomentumStore.NEXT_FILE)));
            assertFalse(Files.exists(state.resolve(MomentumStore.FILE)), "not committed yet");
            assertFalse(Files.exists(state.resolve("merges/0.json")));

            // The restart re-runs round 0: the publish journal shows its merge is already the newest base,
            // so it is not merged twice, and loading the momentum commits the staged one.
            MergeReport rerun = f.averager(real, state).run(0);

            assertTrue(rerun.note().contains("before a restart"), rerun.note());
            assertEquals(moved.revision(), rerun.newRevision());
            assertEquals(2, revisions(real).size(), "the seed and the one merge: nothing merged twice");
            assertEquals(1, rerun.outerSteps());
            OuterOptimizer outer = momentum(state, real);
            assertEquals(moved.revision(), outer.revision());
            assertTrue(outer.hasMomentum());
            assertFalse(Files.exists(state.resolve(MomentumStore.NEXT_FILE)));

            for (Sr25519KeyPair m : miners) {
                f.submit(real, m, 1, SubnetFixture.Behaviour.HONEST);
            }
            f.advanceTo(SubnetFixture.CLOCK.readableBlock(1) + 1);
            MergeReport next = f.averager(real, state).run(1);

            assertEquals(moved.revision(), next.targetRevision(), "round 1's deltas go onto the merged base");
            assertEquals(next.accepted() ? 2 : 1, next.outerSteps(), next.toString());
            assertLatestIsComplete(real);
        }
    }

    private static List<String> revisions(ObjectStore store) {
        return store.list("models/").stream().map(o -> o.key().split("/")[1]).distinct().sorted().toList();
    }
}
