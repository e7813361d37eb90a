package io.tensorswarm.averager.merge;

/**
 * Returns the settings of {@link MixingWeights}; immutable.
 *
 * @param iterations exponentiated-gradient steps after the uniform start (each costs one forward
 *     and backward pass over the fit pages); 0 keeps uniform weights
 * @param stepSize the first step's largest log-change of a weight; step t uses {@code stepSize /
 *     sqrt(t + 1)}
 * @param quantum weights are rounded to multiples of {@code 1 / quantum}, summing to exactly 1
 * @param batchSize pages per forward pass
 */
public record MixingConfig(int iterations, double stepSize, int quantum, int batchSize) {
    public MixingConfig {
        if (iterations < 0) {
            throw new IllegalArgumentException("iterations must be >= 0, got " + iterations);
        }
        if (!(stepSize > 0) || Double.isInfinite(stepSize)) {
            throw new IllegalArgumentException("step size must be finite and > 0, got " + stepSize);
        }
        if (quantum < 1 || quantum > (1 << 24)) {
            throw new IllegalArgumentException("quantum must be in [1, 2^24], got " + quantum);
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be >= 1, got " + batchSize);
        }
    }

    /** Returns 6 iterations, step size 1.0, weights on a 1/65536 grid, batches of 8 pages. */
    public static MixingConfig defaults() {
        return new MixingConfig(6, 1.0, 1 << 16, 8);
    }

    public MixingConfig withIterations(int value) {
        return new MixingConfig(value, stepSize, quantum, batchSize);
    }

    public MixingConfig withBatchSize(int value) {
        return new MixingConfig(iterations, stepSize, quantum, value);
    }
}
