package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OuterOptimizerTest {
    @TempDir Path dir;

    private static ParameterSet one(float... v) {
        return ParameterSet.builder().add(NamedTensor.ofFloats("w", new long[] {v.length}, v))
                .putMetadata("format", "pt").build();
    }

    private static float[] w(ParameterSet s) {
        return s.require("w").toFloats();
    }

    @Test
    void nesterovStepsMatchTheDiLoCoFormulaByHand() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        // g = [-1, 2]: v1 = g; update = g + 0.9 v1 = 1.9 g; θ1 = [1, 2] - 0.7 * [-1.9, 3.8] = [2.33, -0.66]
        OuterOptimizer.Step s1 = outer.propose(one(1f, 2f), one(-1f, 2f));
        assertArrayEquals(new float[] {-1f, 2f}, w(s1.velocity()), 0f);
        assertArrayEquals(new float[] {2.33f, -0.66f}, w(s1.weights()), 1e-6f);
        assertEquals("pt", s1.weights().metadata().get("format"), "the base's metadata is kept");
        outer.accept(s1);
        // g = 0: v2 = 0.9 v1 = [-0.9, 1.8]; update = 0.9 v2 = [-0.81, 1.62]; θ2 = θ1 - 0.7 update
        OuterOptimizer.Step s2 = outer.propose(s1.weights(), one(0f, 0f));
        assertArrayEquals(new float[] {-0.9f, 1.8f}, w(s2.velocity()), 1e-7f);
        assertArrayEquals(new float[] {2.897f, -1.794f}, w(s2.weights()), 1e-6f);
        assertEquals(2, s2.steps());
    }

    @Test
    void proposingDoesNotMoveTheMomentumUntilAccepted() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        OuterOptimizer.Step first = outer.propose(one(0f), one(1f));
        assertNull(outer.velocity());
        assertEquals(0, outer.steps());
        OuterOptimizer.Step again = outer.propose(one(0f), one(1f));
        assertArrayEquals(w(first.weights()), w(again.weights()), 0f);
    }

    @Test
    void aRestartKeepsTheMomentumBitForBit() {
        Path file = dir.resolve("state/outer-momentum.safetensors");
        OuterOptimizer running = new OuterOptimizer(0.7f, 0.9f);
        running.accept(running.propose(one(1f, 2f, 3f), one(0.1f, -0.2f, 0.3f)));
        running.save(file);

        OuterOptimizer restarted = OuterOptimizer.load(file, one(0f, 0f, 0f), 0.7f, 0.9f);
        assertEquals(1, restarted.steps());
        ParameterSet base = one(5f, 6f, 7f);
        ParameterSet g = one(0.01f, 0.02f, -0.03f);
        assertArrayEquals(w(running.propose(base, g).weights()), w(restarted.propose(base, g).weights()), 0f);
    }

    @Test
    void noFileMeansZeroMomentumAndNothingIsSavedBeforeAStep() {
        Path file = dir.resolve("outer.safetensors");
        OuterOptimizer fresh = OuterOptimizer.load(file, one(0f), 0.7f, 0.9f);
        assertNull(fresh.velocity());
        fresh.save(file);
        assertTrue(Files.notExists(file));
    }

    @Test
    void aMomentumFileOfAnotherModelOrGarbageIsATypedError() throws IOException {
        Path file = dir.resolve("outer.safetensors");
        new SafetensorsWriter().write(one(1f, 2f), file);
        MergeStateException e = assertThrows(MergeStateException.class,
                () -> OuterOptimizer.load(file, one(1f, 2f, 3f), 0.7f, 0.9f));
        assertTrue(e.getMessage().startsWith("outer momentum file " + file + " does not fit the base model"),
                e.getMessage());
        Files.write(file, new byte[] {1, 2, 3});
        e = assertThrows(MergeStateException.class, () -> OuterOptimizer.load(file, one(1f, 2f), 0.7f, 0.9f));
        assertTrue(e.getMessage().startsWith("cannot read outer momentum file " + file), e.getMessage());
    }

    /**
     * The local subnet's bug, on L(θ) = Σ (θ - 1)² with "miners" whose deltas go half-way to the
     * optimum and a merge accepted only when L falls (the averager's gate). With μ = 0.9 the third
     * step overshoots and is rejected. Keeping the momentum (the old rule) proposes that same step
     * again every round, since neither θ nor v moved: every later merge is rejected. Restarting the
     * momentum on rejection lets the very next merge through, and the model keeps converging.
     */
    @Test
    void keepingMomentumAfterARejectionRejectsEveryLaterMergeButARestartRecovers() {
        boolean[] kept = descend(false, 10);
        boolean[] restarted = descend(true, 10);

        int firstRejection = 2;
        for (int r = 0; r < firstRejection; r++) {
            assertTrue(kept[r] && restarted[r], "round " + r + " descends under both rules");
        }
        assertTrue(!kept[firstRejection] && !restarted[firstRejection], "round 2 overshoots under both rules");
        for (int r = firstRejection + 1; r < kept.length; r++) {
            assertTrue(!kept[r], "old rule: round " + r + " is rejected as well (stuck)");
        }
        assertTrue(restarted[firstRejection + 1], "restart: the next merge is accepted again");
        for (int r = 1; r < restarted.length; r++) {
            assertTrue(restarted[r - 1] || restarted[r], "restart: never two rejections in a row (round " + r + ")");
        }
    }

    /** Returns which of {@code rounds} merges were accepted; {@code restart} picks the rule on rejection. */
    private static boolean[] descend(boolean restart, int rounds) {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        ParameterSet theta = one(0f, 0f);
        boolean[] accepted = new boolean[rounds];
        for (int r = 0; r < rounds; r++) {
            float[] t = w(theta);
            ParameterSet g = one(-0.5f * (1 - t[0]), -0.5f * (1 - t[1])); // g = -δ, δ = half-way to 1
            OuterOptimizer.Step step = outer.propose(theta, g);
            accepted[r] = loss(step.weights()) < loss(theta);
            if (accepted[r]) {
                outer.accept(step);
                theta = step.weights();
            } else if (restart) {
                outer.restart();
            }
        }
        return accepted;
    }

    private static double loss(ParameterSet theta) {
        double l = 0;
        for (float x : w(theta)) {
            l += (x - 1.0) * (x - 1.0);
        }
        return l;
    }

    @Test
    void aRestartZeroesTheVelocityKeepsTheStepCountAndSurvivesAReload() {
        Path file = dir.resolve("outer.safetensors");
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        assertFalse(outer.restart(), "nothing to reset before the first step");
        outer.accept(outer.propose(one(1f, 2f), one(0.5f, -0.5f)));
        assertTrue(outer.hasMomentum());

        assertTrue(outer.restart());

        assertFalse(outer.hasMomentum());
        assertArrayEquals(new float[] {0f, 0f}, w(outer.velocity()), 0f);
        assertEquals(1, outer.steps());
        assertEquals(1, outer.restarts());
        outer.save(file, "ab12");
        OuterOptimizer reloaded = OuterOptimizer.load(file, one(0f, 0f), 0.7f, 0.9f);
        assertArrayEquals(new float[] {0f, 0f}, w(reloaded.velocity()), 0f);
        assertEquals(1, reloaded.steps());
        assertEquals(1, reloaded.restarts());
        assertEquals("ab12", reloaded.revision());
        ParameterSet g = one(0.1f, 0.2f);
        assertArrayEquals(w(outer.proposeFromRest(one(3f, 4f), g).weights()),
                w(reloaded.propose(one(3f, 4f), g).weights()), 0f, "zero velocity = a step from rest");
    }

    @Test
    void refusesNonsenseHyperparameters() {
        assertThrows(IllegalArgumentException.class, () -> new OuterOptimizer(0f, 0.9f));
        assertThrows(IllegalArgumentException.class, () -> new OuterOptimizer(0.7f, 1f));
    }
}
