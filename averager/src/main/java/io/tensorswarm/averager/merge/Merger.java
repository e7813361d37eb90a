package io.tensorswarm.averager.merge;

import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Merges the top deltas of a round into the next base model (design §4): learns mixing weights α
 * on the averager's fit pages ({@link MixingWeights}), forms the pseudo-gradient {@code g = -Σ α_i
 * δ_i}, takes an outer Nesterov step ({@link OuterOptimizer#propose}), and accepts the result only
 * if its loss on the check pages is strictly below the base's. When the step that used the
 * optimizer's momentum is rejected, the momentum is the likely culprit (it overshoots once the
 * pseudo-gradients turn), so the merge tries once more from zero velocity ({@link
 * OuterOptimizer#proposeFromRest}, an adaptive restart) and returns that step with {@link
 * MergeResult#restarted()} set; the same loss gate decides.
 *
 * <p>Deterministic: deltas are sorted by hotkey first, so the caller's order does not matter, and
 * everything after α is host float arithmetic in a fixed order; the same inputs give bit-identical
 * weights, hence the same revision hash when written with {@code SafetensorsWriter}. The merge is
 * pure: the optimizer's momentum changes only when the caller passes {@link MergeResult#step()} to
 * {@link OuterOptimizer#accept}. The model is used as a workspace and holds the base weights again
 * when this returns normally. Fit and check pages may be the same list; disjoint pages make the
 * acceptance test an honest held-out check.
 *
 * <pre>{@code
 * MergeResult r = new Merger(MergeConfig.defaults()).merge(model, base, topDeltas, fitPages, checkPages, outer);
 * if (r.accepted()) { publish(r.newWeights()); outer.accept(r.step()); } else { outer.restart(); }
 * outer.save(momentumFile);
 * }</pre>
 *
 * <p>Memory: a dense delta ({@link HotkeyDelta#HotkeyDelta(String, ParameterSet)}) is held whole, a
 * sparse one ({@link HotkeyDelta#HotkeyDelta(String, io.tensorswarm.common.protocol.SparseDelta)}, as
 * {@code topk} and {@code sparseloco} decode) as its kept entries only. Every mixed delta is summed
 * into one dense accumulator per tensor ({@link WeightedSum}), loaded into the model or handed to the
 * outer step tensor by tensor, so besides the deltas the host holds the base, the old and new
 * velocity and the new weights, whatever G is. Sparse and dense forms of the same deltas give the
 * same weights up to float rounding of the mixing fit's dot products (and, when those move α across
 * a grid point, the α that follows).
 *
 * <p>A stop request ({@code stop} returning true) is honoured between the passes: the merge then
 * throws {@link CancellationException} and nothing has changed.
 */
public final class Merger {
    private static final Logger log = LoggerFactory.getLogger(Merger.class);

    private final MergeConfig config;

    public Merger(MergeConfig config) {
        this.config = config;
    }

    /**
     * Returns the merge of {@code deltas} into {@code base}.
     *
     * @throws IllegalArgumentException when there are no deltas, a hotkey repeats, or there are no
     *     check pages
     * @throws io.tensorswarm.common.tensor.DeltaMismatchException when a delta's layout differs from
     *     the base's
     * @throws io.tensorswarm.common.model.ModelWeightsException when the base does not fit the model
     */
    public MergeResult merge(GptModel model, ParameterSet base, List<HotkeyDelta> deltas, List<int[]> fitPages,
            List<int[]> checkPages, OuterOptimizer outer) {
        return merge(model, base, deltas, fitPages, checkPages, outer, () -> false);
    }

    /**
     * Returns the merge of {@code deltas} into {@code base}, checking {@code stop} between passes.
     *
     * @throws CancellationException when {@code stop} returned true before the merge finished
     * @throws IllegalArgumentException when there are no deltas, a hotkey repeats, or there are no
     *     check pages
     */
    public MergeResult merge(GptModel model, ParameterSet base, List<HotkeyDelta> deltas, List<int[]> fitPages,
            List<int[]> checkPages, OuterOptimizer outer, BooleanSupplier stop) {
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge: no deltas");
        }
        if (checkPages.isEmpty()) {
            throw new IllegalArgumentException("no check pages to accept a merge on");
        }
        List<HotkeyDelta> sorted = new ArrayList<>(deltas);
        sorted.sort(Comparator.comparing(HotkeyDelta::hotkey));
        Set<String> seen = new HashSet<>();
        List<MergeDelta> terms = new ArrayList<>();
        for (HotkeyDelta d : sorted) {
            if (!seen.add(d.hotkey())) {
                throw new IllegalArgumentException("hotkey " + d.hotkey() + " appears twice in the merge");
            }
            d.delta().requireLayout(base, "delta of " + d.hotkey());
            terms.add(d.delta());
        }

        float[] alphas = new MixingWeights(config.mixing()).fit(model, base, terms, fitPages, stop).alphas();
        Function<NamedTensor, float[]> pseudoGradient = b -> pseudoGradient(terms, b, alphas);
        OuterOptimizer.Step step = outer.propose(base, pseudoGradient);

        Evaluator evaluator = new Evaluator(config.evalBatchSize(), config.precision());
        checkStop(stop);
        model.loadParameters(base);
        double lossBefore = evaluator.evaluate(model, checkPages).meanLoss();
        checkStop(stop);
        double lossAfter = loss(evaluator, model, step.weights(), checkPages);
        boolean accepted = Double.isFinite(lossAfter) && lossAfter < lossBefore;
        boolean restarted = false;
        double momentumLoss = Double.NaN;
        if (!accepted && outer.hasMomentum()) {
            checkStop(stop);
            momentumLoss = lossAfter;
            step = outer.proposeFromRest(base, pseudoGradient);
            lossAfter = loss(evaluator, model, step.weights(), checkPages);
            accepted = Double.isFinite(lossAfter) && lossAfter < lossBefore;
            restarted = true;
            log.info("the step with momentum was rejected (loss {} -> {}); from zero velocity: {} ({})", lossBefore,
                    momentumLoss, lossAfter, accepted ? "accepted" : "rejected");
        }
        model.loadParameters(base);

        Map<String, Float> byHotkey = new LinkedHashMap<>();
        for (int i = 0; i < alphas.length; i++) {
            byHotkey.put(sorted.get(i).hotkey(), alphas[i]);
        }
        log.info("merge of {} deltas: loss {} -> {} ({}), alphas {}", sorted.size(), lossBefore, lossAfter,
                accepted ? "accepted" : "rejected", byHotkey);
        return new MergeResult(step.weights(), byHotkey, lossBefore, lossAfter, accepted, step, restarted,
                momentumLoss);
    }

    private static double loss(Evaluator evaluator, GptModel model, ParameterSet weights, List<int[]> pages) {
        model.loadParameters(weights);
        return evaluator.evaluate(model, pages).meanLoss();
    }

    private static void checkStop(BooleanSupplier stop) {
        if (stop.getAsBoolean()) {
            throw new CancellationException("stop requested during the merge");
        }
    }

    /**
     * Returns {@code -Σ alphas_k deltas_k} of one base tensor: its weighted sum ({@link WeightedSum})
     * negated in place, a fresh array. The outer step asks for it one tensor at a time, so the host
     * never holds the whole pseudo-gradient; the retry from zero velocity forms it again.
     */
    static float[] pseudoGradient(List<MergeDelta> deltas, NamedTensor tensor, float[] alphas) {
        float[] v = WeightedSum.of(deltas, tensor, alphas);
        for (int i = 0; i < v.length; i++) {
            v[i] = -v[i];
        }
        return v;
    }

    /** Returns {@code -Σ alphas_k deltas_k} of dense deltas as a whole set (tests compare against it). */
    static ParameterSet pseudoGradient(List<ParameterSet> deltas, float[] alphas) {
        List<MergeDelta> terms = deltas.stream().map(MergeDelta::dense).toList();
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : deltas.get(0)) {
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), pseudoGradient(terms, t, alphas)));
        }
        return out.build();
    }
}
