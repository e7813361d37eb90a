package io.tensorswarm.common.tensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Exact small-case answers for {@link DeltaMath}, and determinism of its parallel reductions. */
class DeltaMathTest {
    @Test
    void subtractsElementWise() {
        assertArrayEquals(new float[] {1f, -2f, 0f}, DeltaMath.subtract(new float[] {1.5f, 2f, -3f}, new float[] {0.5f, 4f, -3f}));
    }

    @Test
    void appliesAScaledDeltaIntoANewOrTheSameArray() {
        float[] base = {1f, 2f, 3f};
        float[] delta = {2f, -4f, 0.5f};
        assertArrayEquals(new float[] {2f, 0f, 3.25f}, DeltaMath.apply(base, delta, 0.5f));
        assertArrayEquals(new float[] {1f, 2f, 3f}, base);
        DeltaMath.apply(base, delta, -1f, base);
        assertArrayEquals(new float[] {-1f, 6f, 2.5f}, base);
    }

    @Test
    void weightsAndAddsDeltas() {
        float[][] deltas = {{1f, 2f, 3f}, {4f, 5f, 6f}};
        assertArrayEquals(new float[] {-3.5f, -4f, -4.5f}, DeltaMath.weightedSum(deltas, new float[] {0.5f, -1f}));
    }

    @Test
    void addsWeightedTermsInOrderInFloat() {
        // (1e8 + 1) rounds to 1e8 in float, so adding -1e8 last leaves 0; a double sum would give 1.
        float[][] deltas = {{1e8f}, {1f}, {-1e8f}};
        assertArrayEquals(new float[] {0f}, DeltaMath.weightedSum(deltas, new float[] {1f, 1f, 1f}));
        float[][] reordered = {{1e8f}, {-1e8f}, {1f}};
        assertArrayEquals(new float[] {1f}, DeltaMath.weightedSum(reordered, new float[] {1f, 1f, 1f}));
    }

    @Test
    void rejectsMismatchedLengthsAndCounts() {
        assertThrows(IllegalArgumentException.class, () -> DeltaMath.subtract(new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class, () -> DeltaMath.dot(new float[2], new float[3]));
        assertThrows(IllegalArgumentException.class,
                () -> DeltaMath.weightedSum(new float[][] {new float[2]}, new float[] {1f, 2f}));
        float[] d = new float[2];
        assertThrows(IllegalArgumentException.class, () -> DeltaMath.weightedSum(new float[][] {d}, new float[] {1f}, d));
    }

    @Test
    void accumulatesDotProductsInDouble() {
        assertEquals(12.0, DeltaMath.dot(new float[] {1f, 2f, 3f}, new float[] {4f, -5f, 6f}));
        // 2^24 + 1 - 2^24: a float accumulator loses the 1.
        assertEquals(1.0, DeltaMath.dot(new float[] {16777216f, 1f, -16777216f}, new float[] {1f, 1f, 1f}));
    }

    @Test
    void computesNorms() {
        assertEquals(5.0, DeltaMath.l2Norm(new float[] {3f, 4f}));
        assertEquals(0.0, DeltaMath.l2Norm(new float[0]));
        assertEquals(30.0, DeltaMath.sumOfSquares(new float[] {1f, 2f, 3f, 4f}));
    }

    @Test
    void computesCosineSimilarity() {
        assertEquals(0.0, DeltaMath.cosineSimilarity(new float[] {1f, 0f}, new float[] {0f, 1f}));
        assertEquals(-1.0, DeltaMath.cosineSimilarity(new float[] {1f, 1f}, new float[] {-1f, -1f}), 1e-15);
        assertEquals(1.0, DeltaMath.cosineSimilarity(new float[] {1f, 2f}, new float[] {2f, 4f}), 1e-15);
        assertEquals(10.0 / 14.0, DeltaMath.cosineSimilarity(new float[] {1f, 2f, 3f}, new float[] {3f, 2f, 1f}), 1e-15);
        assertEquals(0.0, DeltaMath.cosineSimilarity(new float[] {0f, 0f}, new float[] {1f, 2f}));
    }

    @Test
    void findsTheFirstNonFiniteElement() {
        float[] a = new float[200_000];
        assertTrue(DeltaMath.isAllFinite(a));
        assertEquals(-1, DeltaMath.indexOfFirstNonFinite(a));
        a[150_000] = Float.NaN;
        a[199_999] = Float.NEGATIVE_INFINITY;
        assertEquals(150_000, DeltaMath.indexOfFirstNonFinite(a));
        a[70_001] = Float.POSITIVE_INFINITY;
        assertEquals(70_001, DeltaMath.indexOfFirstNonFinite(a));
        assertFalse(DeltaMath.isAllFinite(a));
        float[] extremes = {Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, -0f, Float.MIN_NORMAL};
        assertEquals(-1, DeltaMath.indexOfFirstNonFinite(extremes));
        assertEquals(0, DeltaMath.indexOfFirstNonFinite(new float[] {Float.intBitsToFloat(0xffc00001)}));
    }

    @Test
    void parallelReductionsEqualTheChunkSumsAddedInOrder() {
        int n = DeltaMath.PARALLEL_THRESHOLD + 12_345;
        Random r = new Random(7);
        float[] a = new float[n];
        float[] b = new float[n];
        for (int i = 0; i < n; i++) {
            a[i] = (float) r.nextGaussian();
            b[i] = (float) r.nextGaussian() * 1e-3f;
        }
        double expectedDot = 0;
        double expectedSquares = 0;
        for (int lo = 0; lo < n; lo += DeltaMath.CHUNK) {
            int hi = Math.min(n, lo + DeltaMath.CHUNK);
            // one chunk is below the parallel threshold, so this runs sequentially
            expectedDot += DeltaMath.dot(Arrays.copyOfRange(a, lo, hi), Arrays.copyOfRange(b, lo, hi));
            expectedSquares += DeltaMath.sumOfSquares(Arrays.copyOfRange(a, lo, hi));
        }
        for (int run = 0; run < 3; run++) {
            assertEquals(Double.doubleToLongBits(expectedDot), Double.doubleToLongBits(DeltaMath.dot(a, b)));
            assertEquals(Double.doubleToLongBits(expectedSquares), Double.doubleToLongBits(DeltaMath.sumOfSquares(a)));
        }
        double cosine = DeltaMath.cosineSimilarity(a, b);
        assertEquals(expectedDot / (Math.sqrt(expectedSquares) * DeltaMath.l2Norm(b)), cosine, 1e-12);
        assertEquals(cosine, DeltaMath.cosineSimilarity(a, b));
    }

    @Test
    void parallelElementWiseResultsMatchTheFormulaAtEveryIndex() {
        int n = DeltaMath.PARALLEL_THRESHOLD + 3;
        Random r = new Random(11);
        float[][] deltas = new float[3][n];
        for (float[] d : deltas) {
            for (int i = 0; i < n; i++) {
                d[i] = r.nextFloat() - 0.5f;
            }
        }
        float[] w = {0.25f, -1.5f, 3f};
        float[] sum = DeltaMath.weightedSum(deltas, w);
        float[] applied = DeltaMath.apply(deltas[0], deltas[1], 0.1f);
        float[] diff = DeltaMath.subtract(deltas[2], deltas[0]);
        for (int i = 0; i < n; i++) {
            float expected = w[0] * deltas[0][i];
            expected += w[1] * deltas[1][i];
            expected += w[2] * deltas[2][i];
            if (sum[i] != expected || applied[i] != deltas[0][i] + 0.1f * deltas[1][i]
                    || diff[i] != deltas[2][i] - deltas[0][i]) {
                throw new AssertionError("index " + i);
            }
        }
    }
}
