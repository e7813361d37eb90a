package io.tensorswarm.common.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.tensor.DeltaMismatchException.Kind;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** {@link Deltas} on small parameter sets with hand-computed answers, and every mismatch. */
class DeltasTest {
    private static NamedTensor f32(String name, float... values) {
        return NamedTensor.ofFloats(name, new long[] {values.length}, values);
    }

    private static ParameterSet set(NamedTensor... tensors) {
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : tensors) {
            b.add(t);
        }
        return b.build();
    }

    private static NamedTensor bf16(String name, float... values) {
        return Deltas.fromFloats(name, DType.BF16, new long[] {values.length}, values);
    }

    @Test
    void computesTrainedMinusBaseInBaseOrderAsF32() {
        ParameterSet base = set(f32("w", 1f, 2f), bf16("b", 1f));
        ParameterSet trained = set(bf16("b", 1.5f), f32("w", 0.5f, 4f));
        ParameterSet delta = Deltas.compute(trained.toBuilder().build(), base);
        assertEquals(List.of("w", "b"), delta.names());
        assertArrayEquals(new float[] {-0.5f, 2f}, delta.require("w").toFloats());
        assertArrayEquals(new float[] {0.5f}, delta.require("b").toFloats());
        assertEquals(DType.F32, delta.require("b").dtype());
    }

    @Test
    void appliesADeltaInTheBaseDtypeRoundingToNearestEven() {
        ParameterSet base = ParameterSet.builder().add(bf16("b", 1f, 1f)).add(f32("w", 1f)).putMetadata("rev", "7").build();
        // 1 + 2^-8 ties between bf16 neighbours 1 and 1 + 2^-7 -> even (1); 1 + 3*2^-8 -> 1 + 2^-6.
        ParameterSet delta = set(f32("b", 0x1p-8f, 3 * 0x1p-8f), f32("w", 4f));
        ParameterSet next = Deltas.apply(base, delta, 1f);
        assertEquals(DType.BF16, next.require("b").dtype());
        assertArrayEquals(new float[] {1f, 1f + 0x1p-6f}, next.require("b").toFloats());
        assertArrayEquals(new float[] {-1f}, Deltas.apply(base, delta, -0.5f).require("w").toFloats());
        assertEquals(Map.of("rev", "7"), next.metadata());
    }

    @Test
    void appliesOneTensorAsTheWholeSetDoesAndRefusesADeltaOfAnotherLength() {
        NamedTensor b = bf16("b", 1f, 1f);
        NamedTensor one = Deltas.apply(b, new float[] {0x1p-8f, 3 * 0x1p-8f}, 1f);
        assertEquals(DType.BF16, one.dtype());
        assertEquals("b", one.name());
        assertArrayEquals(new float[] {1f, 1f + 0x1p-6f}, one.toFloats());
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class,
                () -> Deltas.apply(b, new float[] {1f, 2f, 3f}, 1f));
        assertEquals(Kind.SHAPE, e.kind());
    }

    @Test
    void applyingTheComputedDeltaGivesBackTheTrainedWeights() {
        ParameterSet base = set(f32("w", 0.25f, -8f, 3f));
        ParameterSet trained = set(f32("w", 0.5f, -7f, 1f));
        assertArrayEquals(trained.require("w").toFloats(),
                Deltas.apply(base, Deltas.compute(trained, base), 1f).require("w").toFloats());
    }

    @Test
    void sumsWeightedDeltas() {
        ParameterSet d1 = set(f32("w", 1f, 2f), f32("b", 4f));
        ParameterSet d2 = set(f32("b", -2f), f32("w", 3f, 0f));
        ParameterSet sum = Deltas.weightedSum(List.of(d1, d2), new float[] {0.5f, 2f});
        assertEquals(List.of("w", "b"), sum.names());
        assertArrayEquals(new float[] {6.5f, 1f}, sum.require("w").toFloats());
        assertArrayEquals(new float[] {-2f}, sum.require("b").toFloats());
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class,
                () -> Deltas.weightedSum(List.of(d1, d2), new float[] {1f}));
        assertEquals(Kind.COUNT, e.kind());
    }

    @Test
    void measuresWholeSets() {
        ParameterSet a = set(f32("x", 3f), f32("y", 0f, 4f));
        ParameterSet b = set(f32("x", 1f), f32("y", 2f, 0f));
        assertEquals(5.0, Deltas.l2Norm(a));
        assertEquals(3.0, Deltas.dot(a, b));
        assertEquals(3.0 / (5.0 * Math.sqrt(5.0)), Deltas.cosine(a, b), 1e-15);
        assertEquals(0.0, Deltas.cosine(a, set(f32("x", 0f), f32("y", 0f, 0f))));
    }

    @Test
    void reportsTheFirstNonFiniteValueWithItsTensorAndIndex() {
        ParameterSet ok = set(f32("a", 1f), f32("b", 2f, 3f));
        assertEquals(Optional.empty(), Deltas.checkFinite(ok));
        ParameterSet bad = set(f32("a", 1f), f32("b", 2f, 3f, Float.POSITIVE_INFINITY), f32("c", Float.NaN));
        NonFiniteValue v = Deltas.checkFinite(bad).orElseThrow();
        assertEquals(new NonFiniteValue("b", 2, Float.POSITIVE_INFINITY), v);
        assertEquals("tensor b element 2 is Infinity", v.toString());
        assertEquals(new NonFiniteValue("a", 0, Float.NaN), Deltas.checkFinite(set(bf16("a", Float.NaN))).orElseThrow());
    }

    @Test
    void namesAMissingTensor() {
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class,
                () -> Deltas.compute(set(f32("w", 1f)), set(f32("w", 1f), f32("b", 1f))));
        assertEquals(Kind.MISSING_TENSOR, e.kind());
        assertEquals("b", e.tensor());
        assertEquals("tensor b is missing from the trained", e.getMessage());
    }

    @Test
    void namesAnUnexpectedTensor() {
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class,
                () -> Deltas.apply(set(f32("w", 1f)), set(f32("w", 1f), f32("extra", 1f)), 1f));
        assertEquals(Kind.UNEXPECTED_TENSOR, e.kind());
        assertEquals("extra", e.tensor());
    }

    @Test
    void namesATensorOfAnotherShape() {
        ParameterSet base = set(NamedTensor.ofFloats("w", new long[] {2, 1}, new float[] {1f, 2f}));
        ParameterSet delta = set(NamedTensor.ofFloats("w", new long[] {1, 2}, new float[] {1f, 2f}));
        DeltaMismatchException e = assertThrows(DeltaMismatchException.class, () -> Deltas.cosine(base, delta));
        assertEquals(Kind.SHAPE, e.kind());
        assertEquals("tensor w has shape [1, 2] in the second set, expected [2, 1]", e.getMessage());
    }

    @Test
    void namesATensorOfAnotherOrNonFloatDtype() {
        DeltaMismatchException differs = assertThrows(DeltaMismatchException.class,
                () -> Deltas.compute(set(bf16("w", 1f)), set(f32("w", 1f))));
        assertEquals(Kind.DTYPE, differs.kind());
        assertEquals("tensor w is BF16 in the trained, expected F32", differs.getMessage());
        NamedTensor ints = new NamedTensor("ids", DType.I32, new long[] {1}, ByteBuffer.wrap(new byte[4]));
        DeltaMismatchException integer = assertThrows(DeltaMismatchException.class, () -> Deltas.l2Norm(set(ints)));
        assertEquals(Kind.DTYPE, integer.kind());
        assertEquals("ids", integer.tensor());
        // A bf16 delta applies to an f32 base: only compute() needs equal dtypes.
        assertArrayEquals(new float[] {3f}, Deltas.apply(set(f32("w", 1f)), set(bf16("w", 2f)), 1f).require("w").toFloats());
    }
}
