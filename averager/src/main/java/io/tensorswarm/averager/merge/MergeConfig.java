package io.tensorswarm.averager.merge;

import java.util.Objects;

/**
 * Returns the settings of {@link Merger}; immutable.
 *
 * @param mixing how mixing weights are learned
 * @param evalBatchSize pages per forward pass of the acceptance check
 */
public record MergeConfig(MixingConfig mixing, int evalBatchSize) {
    public MergeConfig {
        Objects.requireNonNull(mixing, "mixing");
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("eval batch size must be >= 1, got " + evalBatchSize);
        }
    }

    /** Returns default mixing and batches of 8 pages. */
    public static MergeConfig defaults() {
        return new MergeConfig(MixingConfig.defaults(), 8);
    }
}
