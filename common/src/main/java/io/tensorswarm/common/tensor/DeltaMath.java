package io.tensorswarm.common.tensor;

import java.util.stream.IntStream;

/**
 * Weight-delta arithmetic on plain {@code float[]}: differences, scaled application, weighted sums,
 * norms, dot products, cosine similarity and finiteness checks.
 *
 * <p>Results are deterministic and the same on every machine: element-wise results are IEEE float
 * arithmetic in a fixed order (Java never fuses multiply-add), and reductions add {@code double}
 * partial sums of fixed {@value #CHUNK}-element chunks in chunk order, whether or not the chunks
 * ran in parallel. Arrays of at least {@value #PARALLEL_THRESHOLD} elements are split over the
 * common {@link java.util.concurrent.ForkJoinPool}.
 *
 * <pre>{@code
 * float[] delta = DeltaMath.subtract(trained, base);
 * float[] merged = DeltaMath.weightedSum(new float[][] {d1, d2}, new float[] {0.5f, 0.5f});
 * float[] next = DeltaMath.apply(base, merged, 1.0f);
 * }</pre>
 */
public final class DeltaMath {
    /** Elements per chunk: the unit of parallel work and of partial sums. */
    public static final int CHUNK = 1 << 16;

    /** Arrays at least this long are processed in parallel. */
    public static final int PARALLEL_THRESHOLD = 1 << 20;

    private DeltaMath() {}

    /** Returns {@code a - b} element-wise. */
    public static float[] subtract(float[] a, float[] b) {
        float[] out = new float[a.length];
        subtract(a, b, out);
        return out;
    }

    /** Writes {@code a - b} into {@code out}, which may be {@code a} or {@code b}. */
    public static void subtract(float[] a, float[] b, float[] out) {
        requireSameLength(a, b);
        requireSameLength(a, out);
        forEachChunk(a.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = a[i] - b[i];
            }
        });
    }

    /** Returns {@code base + scale * delta} element-wise. */
    public static float[] apply(float[] base, float[] delta, float scale) {
        float[] out = new float[base.length];
        apply(base, delta, scale, out);
        return out;
    }

    /** Writes {@code base + scale * delta} into {@code out}, which may be {@code base}. */
    public static void apply(float[] base, float[] delta, float scale, float[] out) {
        requireSameLength(base, delta);
        requireSameLength(base, out);
        forEachChunk(base.length, (lo, hi) -> {
            for (int i = lo; i < hi; i++) {
                out[i] = base[i] + scale * delta[i];
            }
        });
    }

    /** Returns {@code sum_k weights[k] * deltas[k]}; see {@link #weightedSum(float[][], float[], float[])}. */
    public static float[] weightedSum(float[][] deltas, float[] weights) {
        if (deltas.length == 0) {
            throw new IllegalArgumentException("weighted sum of no deltas");
        }
        float[] out = new float[deltas[0].length];
        weightedSum(deltas, weights, out);
        return out;
    }

    /**
     * Writes {@code sum_k weights[k] * deltas[k]} into {@code out} (which must not be one of the
     * deltas), adding terms in order {@code k = 0, 1, ...} in float, as {@code out = w0*d0; out +=
     * w1*d1; ...} does in numpy. Works through cache-sized blocks, so each delta is read once.
     */
    public static void weightedSum(float[][] deltas, float[] weights, float[] out) {
        if (deltas.length == 0 || deltas.length != weights.length) {
            throw new IllegalArgumentException(deltas.length + " deltas but " + weights.length + " weights");
        }
        for (float[] d : deltas) {
            requireSameLength(d, out);
            if (d == out) {
                throw new IllegalArgumentException("out must not be one of the deltas");
            }
        }
        forEachChunk(out.length, (lo, hi) -> {
            float[] d0 = deltas[0];
            float w0 = weights[0];
            for (int i = lo; i < hi; i++) {
                out[i] = w0 * d0[i];
            }
            for (int k = 1; k < deltas.length; k++) {
                float[] d = deltas[k];
                float w = weights[k];
                for (int i = lo; i < hi; i++) {
                    out[i] += w * d[i];
                }
            }
        });
    }

    /** Returns the dot product, accumulated in double. */
    public static double dot(float[] a, float[] b) {
        requireSameLength(a, b);
        return sumChunks(reduce(a.length, 1, (lo, hi, acc, at) -> acc[at] = dotRange(a, b, lo, hi)), 1)[0];
    }

    /** Returns the sum of squares, accumulated in double. */
    public static double sumOfSquares(float[] a) {
        return sumChunks(reduce(a.length, 1, (lo, hi, acc, at) -> acc[at] = dotRange(a, a, lo, hi)), 1)[0];
    }

    /** Returns the Euclidean norm, accumulated in double. */
    public static double l2Norm(float[] a) {
        return Math.sqrt(sumOfSquares(a));
    }

    /**
     * Returns {@code dot(a, b) / (|a| |b|)} from one pass over both arrays, or 0 when either is all
     * zeros.
     */
    public static double cosineSimilarity(float[] a, float[] b) {
        requireSameLength(a, b);
        double[] sums = sumChunks(reduce(a.length, 3, (lo, hi, acc, at) -> {
            double ab0 = 0, ab1 = 0, aa0 = 0, aa1 = 0, bb0 = 0, bb1 = 0;
            int i = lo;
            for (; i + 1 < hi; i += 2) {
                double x0 = a[i], y0 = b[i], x1 = a[i + 1], y1 = b[i + 1];
                ab0 += x0 * y0;
                ab1 += x1 * y1;
                aa0 += x0 * x0;
                aa1 += x1 * x1;
                bb0 += y0 * y0;
                bb1 += y1 * y1;
            }
            if (i < hi) {
                double x = a[i], y = b[i];
                ab0 += x * y;
                aa0 += x * x;
                bb0 += y * y;
            }
            acc[at] = ab0 + ab1;
            acc[at + 1] = aa0 + aa1;
            acc[at + 2] = bb0 + bb1;
        }), 3);
        if (sums[1] == 0 || sums[2] == 0) {
            return 0;
        }
        return sums[0] / (Math.sqrt(sums[1]) * Math.sqrt(sums[2]));
    }

    /** Returns whether no element is NaN or infinite. */
    public static boolean isAllFinite(float[] a) {
        return indexOfFirstNonFinite(a) < 0;
    }

    /** Returns the index of the first NaN or infinite element, or -1 when all are finite. */
    public static int indexOfFirstNonFinite(float[] a) {
        double[] flags = reduce(a.length, 1, (lo, hi, acc, at) -> {
            int bad = 0;
            for (int i = lo; i < hi; i++) {
                // exponent 0xff (NaN or infinity) makes (e + 1) reach 256, setting bit 8
                bad |= ((Float.floatToRawIntBits(a[i]) >>> 23) & 0xff) + 1;
            }
            acc[at] = (bad & 0x100) != 0 ? 1 : 0;
        });
        for (int c = 0; c < flags.length; c++) {
            if (flags[c] != 0) {
                int hi = Math.min(a.length, (c + 1) * CHUNK);
                for (int i = c * CHUNK; i < hi; i++) {
                    if (!Float.isFinite(a[i])) {
                        return i;
                    }
                }
            }
        }
        return -1;
    }

    /** Sums products in double with four accumulators, combined in a fixed order. */
    private static double dotRange(float[] a, float[] b, int lo, int hi) {
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int i = lo;
        for (; i + 3 < hi; i += 4) {
            s0 += (double) a[i] * b[i];
            s1 += (double) a[i + 1] * b[i + 1];
            s2 += (double) a[i + 2] * b[i + 2];
            s3 += (double) a[i + 3] * b[i + 3];
        }
        for (; i < hi; i++) {
            s0 += (double) a[i] * b[i];
        }
        return (s0 + s1) + (s2 + s3);
    }

    /** A loop over {@code [lo, hi)}. */
    @FunctionalInterface
    interface RangeBody {
        void run(int lo, int hi);
    }

    /** A loop over {@code [lo, hi)} that stores its partial results at {@code acc[at...]}. */
    @FunctionalInterface
    interface RangeReducer {
        void run(int lo, int hi, double[] acc, int at);
    }

    static int chunkCount(int n) {
        return (n + CHUNK - 1) / CHUNK;
    }

    static void forEachChunk(int n, RangeBody body) {
        forEachChunk(n, body, n >= PARALLEL_THRESHOLD);
    }

    static void forEachChunk(int n, RangeBody body, boolean parallel) {
        int chunks = chunkCount(n);
        IntStream range = IntStream.range(0, chunks);
        (parallel ? range.parallel() : range).forEach(c -> body.run(c * CHUNK, Math.min(n, (c + 1) * CHUNK)));
    }

    static double[] reduce(int n, int width, RangeReducer body) {
        return reduce(n, width, body, n >= PARALLEL_THRESHOLD);
    }

    /** Returns {@code width} partial results per chunk, each chunk's at {@code c * width}. */
    static double[] reduce(int n, int width, RangeReducer body, boolean parallel) {
        double[] acc = new double[chunkCount(n) * width];
        forEachChunk(n, (lo, hi) -> body.run(lo, hi, acc, (lo / CHUNK) * width), parallel);
        return acc;
    }

    /** Adds the chunks' partial results in chunk order. */
    static double[] sumChunks(double[] partials, int width) {
        double[] total = new double[width];
        for (int i = 0; i < partials.length; i++) {
            total[i % width] += partials[i];
        }
        return total;
    }

    private static void requireSameLength(float[] a, float[] b) {
        if (a.length != b.length) {
            throw new IllegalArgumentException("array lengths differ: " + a.length + " and " + b.length);
        }
    }
}
