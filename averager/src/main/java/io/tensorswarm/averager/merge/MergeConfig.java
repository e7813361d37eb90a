package io.tensorswarm.averager.merge;

import io.tensorswarm.common.model.Precision;
import java.util.Objects;

/**
 * Returns the settings of {@link Merger}; immutable.
 *
 * @param mixing how mixing weights are learned
 * @param evalBatchSize pages per forward pass of the acceptance check
 * @param precision what the acceptance check (and the round's scoring) computes in
 */
public record MergeConfig(MixingConfig mixing, int evalBatchSize, Precision precision) {
    /** Settings computing in F32. */
    public MergeConfig(MixingConfig mixing, int evalBatchSize) {
        this(mixing, evalBatchSize, Precision.FP32);
    }

    public MergeConfig {
        Objects.requireNonNull(mixing, "mixing");
        Objects.requireNonNull(precision, "precision");
        if (evalBatchSize < 1) {
            throw new IllegalArgumentException("eval batch size must be >= 1, got " + evalBatchSize);
        }
    }

    /** Returns default mixing and batches of 8 pages. */
    public static MergeConfig defaults() {
        return new MergeConfig(MixingConfig.defaults(), 8);
    }
}
