package io.tensorswarm.common.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact small cases, round trips with error bounds and determinism for every {@link DeltaCodec}. */
class DeltaCodecsTest {
    static NamedTensor f32(String name, long[] shape, float... values) {
        return NamedTensor.ofFloats(name, shape, values);
    }

    static ParameterSet set(NamedTensor... tensors) {
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : tensors) {
            b.add(t);
        }
        return b.build();
    }

    static float[] random(int n, long seed) {
        Random r = new Random(seed);
        float[] x = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) (r.nextGaussian() * 0.01);
        }
        return x;
    }

    static byte[] bytes(ParameterSet set) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(set, out);
        return out.toByteArray();
    }

    private final ParameterSet small = set(
            f32("w", new long[] {2, 3}, 1f, -2f, 0.5f, 0f, 3f, -0.25f),
            f32("b", new long[] {2}, 0.125f, -8f));

    @Test
    void fp32StoresTheDeltaUnchangedAndNamesItself() {
        ParameterSet stored = new Fp32Codec().encode(small.toBuilder().putMetadata("tensorswarm.steps", "5").build());
        assertEquals("fp32", stored.metadata().get("tensorswarm.codec"));
        assertEquals("5", stored.metadata().get("tensorswarm.steps"));
        ParameterSet back = new Fp32Codec().decode(stored, small);
        assertEquals(List.of("w", "b"), back.names());
        assertArrayEquals(small.require("w").toFloats(), back.require("w").toFloats());
        assertArrayEquals(new long[] {2, 3}, back.require("w").shape());
    }

    @Test
    void bf16RoundsToNearestEven() {
        // 1 + 2^-8 lies halfway between bf16 neighbours 1 and 1 + 2^-7: ties to even gives 1.
        ParameterSet delta = set(f32("x", new long[] {3}, 1f + 0x1p-8f, 1f + 3 * 0x1p-8f, -0.1f));
        ParameterSet stored = new Bf16Codec().encode(delta);
        assertEquals(DType.BF16, stored.require("x").dtype());
        float[] back = new Bf16Codec().decode(stored, delta).require("x").toFloats();
        assertArrayEquals(new float[] {1f, 1f + 0x1p-6f, -0.10009765625f}, back);
    }

    @Test
    void int8QuantizesPerBlockWithHalfEvenRounding() {
        // Block size 4: block 0 absmax 127 -> scale 1: 0.5 -> 0, 1.5 -> 2, -2.5 -> -2.
        // Block 1 = {254, 0, 0, 0}: scale 2. Block 2 = {0}: scale 0, all zero.
        ParameterSet delta = set(f32("x", new long[] {9}, 127f, 0.5f, 1.5f, -2.5f, 254f, 0f, 0f, 0f, 0f));
        ParameterSet stored = new Int8BlockCodec(4).encode(delta);
        assertEquals("4", stored.metadata().get(Int8BlockCodec.BLOCK_SIZE_KEY));
        NamedTensor q = stored.require("x");
        assertEquals(DType.I8, q.dtype());
        byte[] qb = new byte[9];
        q.data().get(qb);
        assertArrayEquals(new byte[] {127, 0, 2, -2, 127, 0, 0, 0, 0}, qb);
        assertArrayEquals(new float[] {1f, 2f, 0f}, stored.require("x.__scale").toFloats());
        assertArrayEquals(new float[] {127f, 0f, 2f, -2f, 254f, 0f, 0f, 0f, 0f},
                new Int8BlockCodec().decode(stored, delta).require("x").toFloats());
    }

    @Test
    void int8ErrorIsAtMostHalfAScalePerValue() {
        float[] x = random(1000, 1);
        ParameterSet delta = set(f32("x", new long[] {10, 100}, x));
        ParameterSet stored = new Int8BlockCodec(256).encode(delta);
        assertArrayEquals(new long[] {4}, stored.require("x.__scale").shape());
        float[] scales = stored.require("x.__scale").toFloats();
        float[] back = new Int8BlockCodec().decode(stored, delta).require("x").toFloats();
        for (int i = 0; i < x.length; i++) {
            float bound = scales[i / 256] * 0.5f * (1 + 1e-5f);
            assertTrue(Math.abs(back[i] - x[i]) <= bound, "element " + i);
        }
    }

    @Test
    void topkKeepsTheLargestMagnitudesBreakingTiesByLowerIndex() {
        // Fraction 0.5 of 6 values keeps k = 3. Magnitudes 1, 2, 0.5, 3, 3, 2: both 3s (indices 3, 4),
        // then the tie between the 2s at indices 1 and 5 goes to index 1.
        ParameterSet delta = set(f32("x", new long[] {2, 3}, 1f, 2f, 0.5f, 3f, -3f, -2f));
        TopKCodec codec = new TopKCodec(new BigDecimal("0.5"), DType.F32);
        ParameterSet stored = codec.encode(delta);
        assertEquals("0.5", stored.metadata().get(TopKCodec.FRACTION_KEY));
        NamedTensor idx = stored.require("x.__idx");
        assertEquals(DType.I32, idx.dtype());
        int[] indices = new int[3];
        idx.data().asIntBuffer().get(indices);
        assertArrayEquals(new int[] {1, 3, 4}, indices);
        assertArrayEquals(new float[] {2f, 3f, -3f}, stored.require("x.__val").toFloats());
        assertArrayEquals(new float[] {0f, 2f, 0f, 3f, -3f, 0f}, codec.decode(stored, delta).require("x").toFloats());
    }

    @Test
    void topkCountsKeptValuesExactlyInDecimal() {
        // In doubles 0.07 * 100 = 7.000000000000001, whose ceiling would be 8.
        assertEquals(7, TopKCodec.keptCount(new BigDecimal("0.07"), 100));
        assertEquals(1, TopKCodec.keptCount(new BigDecimal("0.01"), 3));
        assertEquals(5, TopKCodec.keptCount(BigDecimal.ONE, 5));
        assertEquals(0, TopKCodec.keptCount(new BigDecimal("0.01"), 0));
    }

    @Test
    void topkSelectionAgreesWithSortingOnRandomInputWithTies() {
        float[] x = random(5000, 2);
        for (int i = 0; i < x.length; i += 7) {
            x[i] = 0.02f; // many exact ties at one magnitude
        }
        for (int k : new int[] {1, 50, 713, 4999}) {
            int[] got = TopKSelection.largestMagnitudes(x, k);
            Integer[] order = new Integer[x.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            java.util.Arrays.sort(order, (a, b) -> {
                int c = Float.compare(Math.abs(x[b]), Math.abs(x[a]));
                return c != 0 ? c : Integer.compare(a, b);
            });
            int[] expected = java.util.Arrays.stream(order, 0, k).mapToInt(Integer::intValue).sorted().toArray();
            assertArrayEquals(expected, got, "k = " + k);
        }
    }

    @Test
    void topkWithBf16ValuesDecodesTheRoundedValues() {
        ParameterSet delta = set(f32("x", new long[] {4}, 0f, 1f + 3 * 0x1p-8f, 0f, 0f));
        ParameterSet stored = new TopKCodec(new BigDecimal("0.25"), DType.BF16).encode(delta);
        assertEquals(DType.BF16, stored.require("x.__val").dtype());
        assertArrayEquals(new float[] {0f, 1f + 0x1p-6f, 0f, 0f},
                new TopKCodec().decode(stored, delta).require("x").toFloats());
    }

    @Test
    void everyCodecIsDeterministicAndRoundTripsThroughTheRegistry() throws IOException {
        ParameterSet delta = set(f32("a", new long[] {30, 20}, random(600, 3)), f32("b", new long[] {7}, random(7, 4)));
        for (String name : DeltaCodecs.names()) {
            DeltaCodec codec = DeltaCodecs.forName(name);
            ParameterSet stored = codec.encode(delta);
            assertArrayEquals(bytes(stored), bytes(DeltaCodecs.forName(name).encode(delta)), name);
            ParameterSet back = DeltaCodecs.forStored(stored).decode(stored, delta);
            assertEquals(delta.names(), back.names(), name);
            assertEquals(600, back.require("a").elementCount(), name);
        }
    }

    @Test
    void unknownCodecNamesAreTypedErrors() {
        DeltaCodecException e = assertThrows(DeltaCodecException.class, () -> DeltaCodecs.forName("zip"));
        assertEquals(Kind.UNKNOWN_CODEC, e.kind());
        assertEquals(Kind.UNKNOWN_CODEC,
                assertThrows(DeltaCodecException.class, () -> DeltaCodecs.forStored(small)).kind());
    }

    @Test
    void encodingRefusesNonFiniteAndNonF32Deltas() {
        ParameterSet nan = set(f32("x", new long[] {2}, 1f, Float.NaN));
        for (String name : DeltaCodecs.names()) {
            DeltaCodecException e = assertThrows(DeltaCodecException.class, () -> DeltaCodecs.forName(name).encode(nan));
            assertEquals(Kind.NON_FINITE, e.kind(), name);
            assertEquals("x", e.tensor());
        }
        ParameterSet i32 = set(new NamedTensor("x", DType.I32, new long[] {1},
                ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN)));
        assertEquals(Kind.DTYPE, assertThrows(DeltaCodecException.class, () -> new Fp32Codec().encode(i32)).kind());
    }

    @Test
    void encodingRefusesNamesThatClashWithDerivedNames() {
        ParameterSet delta = set(f32("x", new long[] {1}, 1f), f32("x.__scale", new long[] {1}, 1f));
        DeltaCodecException e = assertThrows(DeltaCodecException.class, () -> new Int8BlockCodec().encode(delta));
        assertEquals(Kind.NAME_CLASH, e.kind());
    }
}
