package io.tensorswarm.averager.merge;

import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Returns the outcome of one merge.
 *
 * @param newWeights the merged model {@code θ'} (publish only when {@code accepted}); null in the
 *     summary of a refused merge ({@link #withoutWeights})
 * @param alphas each miner's mixing weight, by hotkey in sorted order; they sum to exactly 1
 * @param lossBefore the base model's loss on the check pages
 * @param lossAfter the merged model's loss on the check pages
 * @param accepted whether {@code lossAfter} is finite and strictly below {@code lossBefore}
 * @param step the outer step, to pass to {@link OuterOptimizer#accept} once the new weights are
 *     published; null in the summary of a refused merge
 * @param restarted whether the step with the optimizer's momentum was rejected, so that {@code
 *     step} is the one from zero velocity ({@link OuterOptimizer#proposeFromRest}); the caller then
 *     discards the momentum: by accepting {@code step}, or by {@link OuterOptimizer#restart} when
 *     that was rejected too
 * @param momentumLoss the check loss of the rejected step that used the momentum, or NaN when
 *     there was no such step
 */
public record MergeResult(
        ParameterSet newWeights,
        Map<String, Float> alphas,
        double lossBefore,
        double lossAfter,
        boolean accepted,
        OuterOptimizer.Step step,
        boolean restarted,
        double momentumLoss) {
    public MergeResult {
        alphas = Collections.unmodifiableMap(new LinkedHashMap<>(alphas));
    }

    /**
     * Returns this refused merge without its weights and step, which nothing publishes, so that a
     * caller keeping it for its report does not hold two model copies through another merge.
     *
     * @throws IllegalStateException when the merge was accepted
     */
    public MergeResult withoutWeights() {
        if (accepted) {
            throw new IllegalStateException("an accepted merge keeps its weights");
        }
        return new MergeResult(null, alphas, lossBefore, lossAfter, false, null, restarted, momentumLoss);
    }
}
