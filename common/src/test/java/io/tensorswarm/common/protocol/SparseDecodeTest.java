package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.random;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.math.BigDecimal;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link DeltaCodec#decodeSparse}: the dense decode's values, held as the kept entries only. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SparseDecodeTest {
    /** Tensors of 300 (chunks 128, 128, 44), 64 and 7 values. */
    private static final ParameterSet DELTA = set(
            f32("h.0.w", new long[] {3, 100}, random(300, 1)),
            f32("h.0.b", new long[] {64}, random(64, 2)),
            f32("ln", new long[] {7}, random(7, 3)));

    private static void assertSameAsTheDenseDecode(DeltaCodec codec, ParameterSet stored) {
        ParameterSet dense = codec.decode(stored, DELTA);
        SparseDelta sparse = codec.decodeSparse(stored, DELTA);
        assertEquals(DELTA.names(), sparse.tensors().stream().map(SparseTensor::name).toList());
        for (NamedTensor t : dense) {
            SparseTensor s = sparse.require(t.name());
            assertArrayEquals(t.shape(), s.shape());
            float[] expected = t.toFloats();
            float[] back = s.toFloats();
            for (int i = 0; i < expected.length; i++) {
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(back[i]),
                        t.name() + "[" + i + "] bit for bit");
            }
        }
    }

    @Test
    void sparselocoListsExactlyTheKeptEntriesAndMatchesTheDenseDecodeBitForBit() {
        SparseLocoCodec codec = new SparseLocoCodec(128, 8);
        ParameterSet stored = codec.encode(DELTA);
        assertSameAsTheDenseDecode(codec, stored);
        SparseDelta sparse = codec.decodeSparse(stored, DELTA);
        assertEquals(8 + 8 + 3, sparse.require("h.0.w").nonZeros(), "ceil(8 * 44 / 128) = 3 in the short chunk");
        assertEquals(4, sparse.require("h.0.b").nonZeros(), "ceil(8 * 64 / 128)");
        assertEquals(1, sparse.require("ln").nonZeros(), "at least one per chunk");
        assertEquals(8L * (19 + 4 + 1), sparse.heapBytes());
        assertTrue(codec.decodesSparse());
    }

    @Test
    void topkListsItsIndicesInOrderAndMatchesTheDenseDecodeForF32AndBf16Values() {
        for (DType values : new DType[] {DType.F32, DType.BF16}) {
            TopKCodec codec = new TopKCodec(new BigDecimal("0.05"), values);
            ParameterSet stored = codec.encode(DELTA);
            assertSameAsTheDenseDecode(codec, stored);
            SparseTensor w = codec.decodeSparse(stored, DELTA).require("h.0.w");
            assertEquals(15, w.nonZeros(), "ceil(0.05 * 300)");
            for (int j = 1; j < w.nonZeros(); j++) {
                assertTrue(w.index(j) > w.index(j - 1));
            }
        }
        assertTrue(new TopKCodec().decodesSparse());
    }

    @Test
    void denseCodecsDecodeSparseByKeepingTheirNonZeroValues() {
        ParameterSet withZeros = set(f32("w", new long[] {2, 3}, 0f, 1.5f, 0f, -0f, -2f, 0f));
        DeltaCodec fp32 = new Fp32Codec();
        assertFalse(fp32.decodesSparse());
        SparseTensor w = fp32.decodeSparse(fp32.encode(withZeros), withZeros).require("w");
        assertEquals(2, w.nonZeros(), "zeros of either sign are not listed");
        assertEquals(1, w.index(0));
        assertEquals(-2f, w.value(1));
        assertArrayEquals(new float[] {0f, 1.5f, 0f, 0f, -2f, 0f}, w.toFloats());
    }

    @Test
    void aSparseTensorAddsAndDotsOnlyItsEntries() {
        SparseTensor t = SparseTensor.of("w", new long[] {2, 3}, new int[] {1, 4}, new float[] {0.5f, -2f});
        float[] acc = {1f, 1f, 1f, 1f, 1f, 1f};
        t.addScaled(0.25f, acc);
        assertArrayEquals(new float[] {1f, 1.125f, 1f, 1f, 0.5f, 1f}, acc);
        assertEquals(3 * 0.5 + 5 * -2.0, t.dot(new float[] {9f, 3f, 9f, 9f, 5f, 9f}));
        assertEquals(16, t.heapBytes());
        SparseDelta d = new SparseDelta(List.of(t));
        assertEquals(2, d.nonZeros());
        assertEquals(6, d.elementCount());
        assertArrayEquals(new float[] {0f, 0.5f, 0f, 0f, -2f, 0f}, d.toDense().require("w").toFloats());
    }
}
