package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.scoring.Rejection.Reason;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeltaScreenTest {
    /** Base of 10 elements, all 10: norm sqrt(1000) = 31.62. */
    private static final ParameterSet BASE = set(filled(10f, 10));

    private final Map<String, ParameterSet> stored = new HashMap<>();
    private final List<String> loads = new ArrayList<>();

    private static float[] filled(float v, int n) {
        float[] a = new float[n];
        Arrays.fill(a, v);
        return a;
    }

    /** Splits 10 values into tensors "a" [2, 3] and "b" [4]. */
    private static ParameterSet set(float[] v) {
        return ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {2, 3}, Arrays.copyOfRange(v, 0, 6)))
                .add(NamedTensor.ofFloats("b", new long[] {4}, Arrays.copyOfRange(v, 6, 10)))
                .build();
    }

    private static ParameterSet axis(int i, float norm) {
        float[] v = new float[10];
        v[i] = norm;
        return set(v);
    }

    private Optional<Rejection> add(DeltaScreen screen, String hotkey, long block, ParameterSet delta) {
        stored.put(hotkey, delta);
        return screen.add(hotkey, block, delta);
    }

    private ScreenReport finish(DeltaScreen screen) {
        return screen.finish(hotkey -> {
            loads.add(hotkey);
            return stored.get(hotkey);
        });
    }

    private static Reason reason(ScreenReport report, String hotkey) {
        return report.outcome(hotkey).orElseThrow().rejection().map(Rejection::reason).orElse(null);
    }

    @Test
    void rejectsAMissingTensorAsLayoutAndNamesIt() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        ParameterSet onlyA = ParameterSet.builder().add(BASE.require("a")).build();
        Rejection r = screen.add("m1", 1, onlyA).orElseThrow();
        assertEquals(Reason.LAYOUT, r.reason());
        assertTrue(r.detail().contains("tensor b is missing"), r.detail());
    }

    @Test
    void rejectsAWrongShapeAndAnExtraTensorAsLayout() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        ParameterSet reshaped = ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {3, 2}, new float[6]))
                .add(BASE.require("b")).build();
        ParameterSet extra = BASE.toBuilder().add(NamedTensor.ofFloats("c", new long[] {1}, new float[1])).build();
        assertEquals(Reason.LAYOUT, screen.add("m1", 1, reshaped).orElseThrow().reason());
        Rejection r = screen.add("m2", 1, extra).orElseThrow();
        assertEquals(Reason.LAYOUT, r.reason());
        assertTrue(r.detail().contains("tensor c"), r.detail());
    }

    @Test
    void rejectsANonFiniteValueNamingTensorAndIndex() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        float[] v = new float[10];
        v[8] = Float.NaN;
        Rejection r = screen.add("m1", 1, set(v)).orElseThrow();
        assertEquals(new Rejection(Reason.NON_FINITE, "tensor b element 2 is NaN"), r);
    }

    @Test
    void layoutFailureWinsOverNonFiniteValues() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        ParameterSet both = ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {6}, filled(Float.POSITIVE_INFINITY, 6)))
                .add(BASE.require("b")).build();
        assertEquals(Reason.LAYOUT, screen.add("m1", 1, both).orElseThrow().reason());
        ScreenOutcome o = finish(screen).outcome("m1").orElseThrow();
        assertEquals(Reason.LAYOUT, o.rejection().orElseThrow().reason());
        assertTrue(Double.isNaN(o.norm()));
    }

    @Test
    void rejectsANormBombAboveKTimesTheCohortMedian() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        add(screen, "m3", 1, axis(0, 3f));
        add(screen, "m4", 1, axis(1, 4f));
        add(screen, "m5", 1, axis(2, 5f));
        add(screen, "bomb", 1, axis(3, 23f));
        ScreenReport report = finish(screen);
        assertEquals(4.5, report.medianNorm(), 0);
        assertEquals(22.5, report.normBound(), 1e-12);
        assertEquals(Reason.NORM_BOUND, reason(report, "bomb"));
        assertTrue(report.outcome("bomb").orElseThrow().rejection().orElseThrow().detail()
                .contains("L2 norm 23.0000 is above the bound 22.5000"));
        assertEquals(List.of("m3", "m4", "m5"), report.acceptedHotkeys());
        assertEquals(List.of(), loads, "unrelated deltas never need the exact cosine");
    }

    @Test
    void aCohortTooSmallForAMedianIsBoundedByTheBaseNorm() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        add(screen, "small", 1, axis(0, 1f));
        add(screen, "bomb", 1, axis(1, 40f));
        ScreenReport report = finish(screen);
        assertTrue(Double.isNaN(report.medianNorm()));
        assertEquals(Math.sqrt(1000), report.normBound(), 1e-9);
        assertEquals(Reason.NORM_BOUND, reason(report, "bomb"));
        assertEquals(List.of("small"), report.acceptedHotkeys());
    }

    @Test
    void theNormFloorKeepsHonestDeltasWhenMostOfTheCohortIsZero() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults().withNormFractions(0.01, 1.0));
        add(screen, "lazy1", 1, set(new float[10]));
        add(screen, "lazy2", 1, set(new float[10]));
        add(screen, "lazy3", 1, set(new float[10]));
        add(screen, "honest", 1, axis(4, 0.3f));
        ScreenReport report = finish(screen);
        assertEquals(0, report.medianNorm(), 0);
        assertEquals(0.01 * Math.sqrt(1000), report.normBound(), 1e-12);
        assertEquals(4, report.acceptedHotkeys().size());
    }

    @Test
    void theLaterCommitmentIsTheCopyEvenWhenScreenedFirst() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        float[] x = randomVector(1);
        float[] y = x.clone();
        y[0] += 0.01f;
        add(screen, "copier", 12, set(y));
        add(screen, "original", 10, set(x));
        add(screen, "other", 11, set(randomVector(2)));
        ScreenReport report = finish(screen);
        assertEquals(List.of("original", "other", "copier"),
                report.outcomes().stream().map(ScreenOutcome::hotkey).toList());
        Rejection r = report.outcome("copier").orElseThrow().rejection().orElseThrow();
        assertEquals(Reason.COPY, r.reason());
        assertTrue(r.detail().endsWith("to the delta of original committed at block 10"), r.detail());
        assertEquals(List.of("original", "other"), report.acceptedHotkeys());
    }

    @Test
    void copiesCommittedInTheSameBlockAreAllRejectedSinceNoneIsProvablyFirst() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        float[] x = randomVector(3);
        float[] doubled = new float[10];
        for (int i = 0; i < 10; i++) {
            doubled[i] = 2 * x[i];
        }
        add(screen, "5Gbbb", 7, set(doubled));
        add(screen, "5Faaa", 7, set(x));
        add(screen, "5Hccc", 7, set(randomVector(4)));
        ScreenReport report = finish(screen);
        assertEquals(Reason.COPY, reason(report, "5Gbbb"));
        assertEquals(Reason.COPY, reason(report, "5Faaa"));
        assertEquals(List.of("5Hccc"), report.acceptedHotkeys());
    }

    @Test
    void aSimilarButDistinctDeltaIsConfirmedExactlyAndKept() {
        int n = 2000;
        float[] x = new float[n];
        float[] y = new float[n];
        SplittableRandom rnd = new SplittableRandom(5);
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            y[i] = x[i] + 0.45f * (float) rnd.nextGaussian();
        }
        ParameterSet base = ParameterSet.builder().add(NamedTensor.ofFloats("w", new long[] {n}, filled(10f, n))).build();
        ParameterSet dx = ParameterSet.builder().add(NamedTensor.ofFloats("w", new long[] {n}, x)).build();
        ParameterSet dy = ParameterSet.builder().add(NamedTensor.ofFloats("w", new long[] {n}, y)).build();
        double exact = Deltas.cosine(dx, dy);
        assertTrue(exact > 0.85 && exact < 0.95, "precondition: exact cosine " + exact);

        DeltaScreen screen = new DeltaScreen(base, ScreenConfig.defaults());
        add(screen, "first", 1, dx);
        add(screen, "second", 2, dy);
        ScreenReport report = finish(screen);
        assertEquals(List.of("first", "second"), report.acceptedHotkeys());
        assertEquals(List.of("second", "first"), loads, "the candidate pair was checked exactly");
    }

    @Test
    void refusesTheSameHotkeyTwiceAndAddingAfterFinish() {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults());
        add(screen, "m1", 1, axis(0, 1f));
        assertThrows(IllegalArgumentException.class, () -> screen.add("m1", 2, axis(1, 1f)));
        finish(screen);
        assertThrows(IllegalStateException.class, () -> screen.add("m2", 2, axis(1, 1f)));
        assertThrows(IllegalStateException.class, () -> finish(screen));
    }

    private static float[] randomVector(long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        float[] v = new float[10];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) rnd.nextGaussian();
        }
        return v;
    }
}
