package io.tensorswarm.averager.merge;

import io.tensorswarm.common.eval.LossGradient;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Learns mixing weights α on the simplex that minimise the loss of {@code base + Σ α_i δ_i} on the
 * averager's own pages.
 *
 * <p>Method (the gradient trick): one forward and backward pass at {@code θ(α)} gives {@code ∇θ L},
 * and by the chain rule {@code ∂L/∂α_i = <∇θ L, δ_i>}, so each iteration costs one pass however
 * many deltas there are. Starting from uniform weights, each iteration takes an
 * exponentiated-gradient step {@code α_i ← α_i exp(-η_t ĝ_i / max_j |ĝ_j|)}, renormalised, where
 * {@code ĝ_i = ∂L/∂α_i - Σ_j α_j ∂L/∂α_j} is the gradient's component along the simplex and {@code
 * η_t = stepSize / sqrt(t + 1)}; the scale-free step needs no tuning to the loss's curvature.
 * Every iterate is rounded to the {@code 1/quantum} grid (summing to exactly 1) before it is
 * evaluated, and the evaluated iterate with the lowest loss is returned, so the result is never
 * worse on the fit pages than uniform weights. With one delta, α = [1] and nothing is evaluated.
 *
 * <p>Determinism: the iteration count is fixed; the host side (weighted sums, dot products) is
 * bit-reproducible; the gradient comes from libtorch, which is reproducible on one machine and
 * thread setting. The grid rounding makes the chosen α insensitive to last-bit differences of the
 * gradient on another machine, except at a rounding boundary; publishing α lets anyone recompute
 * the merged weights exactly from it.
 *
 * <p>Uses DJL's gradient collector, of which only one may be active per process: do not run it
 * concurrently with a {@link io.tensorswarm.common.train.Trainer}. It overwrites the model's
 * parameters; callers reload what they need afterwards.
 *
 * <pre>{@code
 * List<MergeDelta> deltas = List.of(MergeDelta.dense(a), MergeDelta.sparse(codec.decodeSparse(stored, base)));
 * MixingWeights.Fit fit = new MixingWeights(MixingConfig.defaults()).fit(model, base, deltas, pages);
 * float[] alphas = fit.alphas();
 * }</pre>
 */
public final class MixingWeights {
    private static final Logger log = LoggerFactory.getLogger(MixingWeights.class);

    private final MixingConfig config;

    public MixingWeights(MixingConfig config) {
        this.config = config;
    }

    /**
     * Returns the learned weights.
     *
     * @param alphas one weight per delta, in the deltas' order, on the 1/quantum grid, summing to 1
     * @param uniformLoss loss at the uniform start (NaN when nothing was evaluated)
     * @param loss loss at the returned weights (NaN when nothing was evaluated)
     * @param evaluations forward and backward passes made over the pages
     */
    public record Fit(float[] alphas, double uniformLoss, double loss, int evaluations) {
        public Fit {
            alphas = alphas.clone();
        }

        @Override
        public float[] alphas() {
            return alphas.clone();
        }
    }

    /** Returns the mean loss at {@code θ(α)} and its derivative with respect to each α_i. */
    record LossAndGradient(double loss, double[] gradient) {}

    /**
     * Learns α for {@code deltas} (in their given order) on {@code pages}.
     *
     * @throws IllegalArgumentException when there are no deltas or no pages
     * @throws io.tensorswarm.common.tensor.DeltaMismatchException when a delta's layout differs
     *     from the base's
     */
    public Fit fit(GptModel model, ParameterSet base, List<MergeDelta> deltas, List<int[]> pages) {
        return fit(model, base, deltas, pages, () -> false);
    }

    /**
     * Learns α as {@link #fit(GptModel, ParameterSet, List, List)} does, checking {@code stop}
     * before each pass.
     *
     * @throws CancellationException when {@code stop} returned true before the fit finished
     */
    public Fit fit(GptModel model, ParameterSet base, List<MergeDelta> deltas, List<int[]> pages,
            BooleanSupplier stop) {
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("no deltas to mix");
        }
        for (int k = 0; k < deltas.size(); k++) {
            deltas.get(k).requireLayout(base, "delta " + k);
        }
        int g = deltas.size();
        if (g == 1) {
            return new Fit(new float[] {1f}, Double.NaN, Double.NaN, 0);
        }
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no pages to fit mixing weights on");
        }
        double[] alpha = new double[g];
        Arrays.fill(alpha, 1.0 / g);
        float[] best = null;
        double bestLoss = Double.POSITIVE_INFINITY;
        double uniformLoss = Double.NaN;
        int evaluations = 0;
        for (int t = 0; t <= config.iterations(); t++) {
            if (stop.getAsBoolean()) {
                throw new CancellationException("stop requested while fitting mixing weights");
            }
            float[] q = quantize(alpha, config.quantum());
            LossAndGradient lg = lossAndGradient(model, base, deltas, q, pages);
            evaluations++;
            log.debug("mixing iteration {}: alphas {} loss {}", t, Arrays.toString(q), lg.loss());
            if (t == 0) {
                uniformLoss = lg.loss();
            }
            if (best == null || lg.loss() < bestLoss) {
                best = q;
                bestLoss = lg.loss();
            }
            if (t == config.iterations() || !Double.isFinite(lg.loss())) {
                break;
            }
            alpha = exponentiatedGradientStep(q, lg.gradient(), config.stepSize() / Math.sqrt(t + 1));
            if (alpha == null) {
                break; // the gradient has no component along the simplex
            }
        }
        log.info("mixing weights {} (loss {} -> {} over {} passes)", Arrays.toString(best), uniformLoss, bestLoss,
                evaluations);
        return new Fit(best, uniformLoss, bestLoss, evaluations);
    }

    /** Returns the next iterate, or null when the projected gradient is zero. */
    static double[] exponentiatedGradientStep(float[] q, double[] gradient, double eta) {
        double mean = 0;
        for (int i = 0; i < q.length; i++) {
            mean += q[i] * gradient[i];
        }
        double scale = 0;
        for (double gi : gradient) {
            scale = Math.max(scale, Math.abs(gi - mean));
        }
        if (!(scale > 0) || Double.isInfinite(scale)) {
            return null;
        }
        double[] next = new double[q.length];
        double sum = 0;
        for (int i = 0; i < q.length; i++) {
            next[i] = q[i] * Math.exp(-eta * (gradient[i] - mean) / scale);
            sum += next[i];
        }
        for (int i = 0; i < q.length; i++) {
            next[i] /= sum;
        }
        return next;
    }

    /**
     * Returns {@code weights} rounded to multiples of {@code 1/quantum} that sum to exactly 1: each
     * gets the floor of its share of {@code quantum} units, and the leftover units go to the
     * largest remainders (ties to the lower index).
     */
    static float[] quantize(double[] weights, int quantum) {
        double total = 0;
        for (double w : weights) {
            total += w;
        }
        long[] units = new long[weights.length];
        double[] remainders = new double[weights.length];
        long used = 0;
        for (int i = 0; i < weights.length; i++) {
            double share = weights[i] / total * quantum;
            units[i] = (long) Math.floor(share);
            remainders[i] = share - units[i];
            used += units[i];
        }
        for (long left = quantum - used; left > 0; left--) {
            int pick = 0;
            for (int i = 1; i < weights.length; i++) {
                if (remainders[i] > remainders[pick]) {
                    pick = i;
                }
            }
            units[pick]++;
            remainders[pick] = -1;
        }
        float[] out = new float[weights.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = (float) ((double) units[i] / quantum);
        }
        return out;
    }

    /**
     * Loads {@code base + Σ alphas_i δ_i} into the model and returns the token-mean loss on {@code
     * pages} and {@code ∂L/∂α_i = <∇θ L, δ_i>}. The alphas need not lie on the simplex. Streams one
     * tensor at a time: the mixed weights go straight into the model and each gradient tensor is
     * folded into the dot products as it comes off the device, so the host never holds a full copy
     * of either (a gpt2-medium merge fits a 24 GB machine because of it). A sparse delta's dot
     * product reads the gradient at its kept entries only.
     */
    LossAndGradient lossAndGradient(GptModel model, ParameterSet base, List<MergeDelta> deltas, float[] alphas,
            List<int[]> pages) {
        double[] dots = new double[deltas.size()];
        LossGradient.Loss loss = new LossGradient(config.batchSize()).compute(model, base,
                b -> Deltas.apply(b, WeightedSum.of(deltas, b, alphas), 1f), pages,
                (w, grad) -> {
                    for (int k = 0; k < dots.length; k++) {
                        dots[k] += deltas.get(k).dot(w.name(), grad);
                    }
                });
        return new LossAndGradient(loss.meanLoss(), dots);
    }
}
