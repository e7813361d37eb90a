package io.tensorswarm.protocol.scoring;

/**
 * Returns a fixed-size count sketch of a delta: each element {@code j} of the flattened delta
 * (tensors in base order) is added, with a pseudo-random sign, to one of {@code dimension}
 * buckets; bucket and sign come from a SplitMix64 hash of {@code (seed, j)}, so every validator
 * with the same seed builds the same sketch.
 *
 * <p>The sketch is a sparse random sign projection: {@code <S a, S b>} is an unbiased estimate of
 * {@code <a, b>}, so the sketches' cosine estimates the deltas' cosine, with a standard error of
 * roughly {@code 1/sqrt(dimension)} for unrelated deltas whose mass is spread over many elements.
 * Building it costs one hash per element; it holds {@code dimension} doubles whatever the model
 * size. Not thread-safe.
 */
public final class DeltaSketch {
    private final long seed;
    private final double[] buckets;

    /** Creates an empty sketch. */
    public DeltaSketch(int dimension, long seed) {
        if (dimension < 1) {
            throw new IllegalArgumentException("sketch dimension must be positive");
        }
        this.seed = seed;
        this.buckets = new double[dimension];
    }

    /** Adds {@code values}, which are elements {@code offset, offset + 1, ...} of the flat delta. */
    public void add(long offset, float[] values) {
        int m = buckets.length;
        for (int i = 0; i < values.length; i++) {
            float v = values[i];
            if (v == 0f) {
                continue;
            }
            long h = mix(seed + (offset + i) * 0x9E3779B97F4A7C15L);
            int bucket = (int) (((h >>> 32) * m) >>> 32);
            buckets[bucket] += (h & 1) == 0 ? v : -v;
        }
    }

    /** Returns a sketch with the given bucket sums (as read back from a {@link SketchHistory}). */
    public static DeltaSketch of(double[] buckets, long seed) {
        DeltaSketch s = new DeltaSketch(buckets.length, seed);
        System.arraycopy(buckets, 0, s.buckets, 0, buckets.length);
        return s;
    }

    /**
     * Returns the fraction of this sketch's squared norm that lies outside the span of {@code basis}
     * (least-squares projection by modified Gram-Schmidt): 1 for a delta unrelated to all of them, 0
     * for one that is a linear combination of them (a copy, a scaled copy, a mix). An all-zero sketch
     * gives 0. For {@code m} unrelated dense deltas the expected value is about {@code 1 - m/dimension}.
     *
     * @throws IllegalArgumentException when dimensions differ
     */
    public double novelty(java.util.List<DeltaSketch> basis) {
        double total = dot(buckets, buckets);
        if (total == 0) {
            return 0;
        }
        double[] r = residualBuckets(basis);
        return Math.max(0, Math.min(1, dot(r, r) / total));
    }

    /** Returns this sketch minus its least-squares projection on the span of {@code basis}. */
    private double[] residualBuckets(java.util.List<DeltaSketch> basis) {
        java.util.List<double[]> q = new java.util.ArrayList<>();
        for (DeltaSketch b : basis) {
            if (b.buckets.length != buckets.length) {
                throw new IllegalArgumentException("sketch dimensions differ: " + buckets.length + " and "
                        + b.buckets.length);
            }
            double[] v = b.buckets.clone();
            double before = Math.sqrt(dot(v, v));
            for (double[] u : q) {
                axpy(-dot(v, u), u, v);
            }
            double norm = Math.sqrt(dot(v, v));
            if (norm > 1e-9 * before && norm > 0) { // skip sketches already in the span
                for (int i = 0; i < v.length; i++) {
                    v[i] /= norm;
                }
                q.add(v);
            }
        }
        double[] r = buckets.clone();
        for (double[] u : q) {
            axpy(-dot(r, u), u, r);
        }
        return r;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < y.length; i++) {
            y[i] += a * x[i];
        }
    }

    public int dimension() {
        return buckets.length;
    }

    /** Returns a copy of the bucket sums. */
    public double[] buckets() {
        return buckets.clone();
    }

    /**
     * Returns the cosine of the two sketches, or 0 when either is all zeros.
     *
     * @throws IllegalArgumentException when dimensions differ
     */
    public double cosine(DeltaSketch other) {
        if (other.buckets.length != buckets.length) {
            throw new IllegalArgumentException("sketch dimensions differ: " + buckets.length + " and "
                    + other.buckets.length);
        }
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (int i = 0; i < buckets.length; i++) {
            ab += buckets[i] * other.buckets[i];
            aa += buckets[i] * buckets[i];
            bb += other.buckets[i] * other.buckets[i];
        }
        return aa == 0 || bb == 0 ? 0 : ab / (Math.sqrt(aa) * Math.sqrt(bb));
    }

    /** SplitMix64's finaliser. */
    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
