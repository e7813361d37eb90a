package io.tensorswarm.averager.merge;

import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Returns the outcome of one merge.
 *
 * @param newWeights the merged model {@code θ'} (publish only when {@code accepted})
 * @param alphas each miner's mixing weight, by hotkey in sorted order; they sum to exactly 1
 * @param lossBefore the base model's loss on the check pages
 * @param lossAfter the merged model's loss on the check pages
 * @param accepted whether {@code lossAfter} is finite and strictly below {@code lossBefore}
 * @param step the outer step, to pass to {@link OuterOptimizer#accept} once the new weights are
 *     published
 */
public record MergeResult(
        ParameterSet newWeights,
        Map<String, Float> alphas,
        double lossBefore,
        double lossAfter,
        boolean accepted,
        OuterOptimizer.Step step) {
    public MergeResult {
        alphas = Collections.unmodifiableMap(new LinkedHashMap<>(alphas));
    }
}
