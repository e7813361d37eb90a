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
