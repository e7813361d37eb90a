package io.tensorswarm.common.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import io.tensorswarm.common.model.CausalLmLoss;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.GptParameterLayout;
import io.tensorswarm.common.model.GradMode;
import io.tensorswarm.common.model.ModelWeightsException;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Measures a model's mean next-token cross-entropy on pages: the sum of {@code -log p(target)}
 * over every predicted, non-padding position of every page, divided by the number of such
 * positions (token-weighted, not page-weighted). Inputs are {@code page[0..L-2]}, targets {@code
 * page[1..L-1]}; a target of -1 is skipped.
 *
 * <p>Pages are processed in batches of {@code batchSize} in the given order, without recording
 * gradients, each batch in its own NDManager scope; one pair of numbers per batch comes back to the
 * host, where sums accumulate in double precision.
 *
 * <pre>{@code
 * Evaluator eval = new Evaluator(16);
 * double loss = eval.evaluate(model, pages).meanLoss();
 * Evaluator.Comparison c = eval.compareWithDelta(model, base, delta, pages);
 * }</pre>
 */
public final class Evaluator {
    private final int batchSize;
    private final Precision precision;

    /**
     * Creates an evaluator.
     *
     * @throws IllegalArgumentException when {@code batchSize} is not positive
     */
    public Evaluator(int batchSize) {
        this(batchSize, Precision.FP32);
    }

    /** As the one-argument constructor, computing the forward pass in {@code precision} (sums stay F32). */
    public Evaluator(int batchSize, Precision precision) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("eval batch size must be positive");
        }
        this.batchSize = batchSize;
        this.precision = java.util.Objects.requireNonNull(precision, "precision");
    }

    /**
     * Returns a loss measurement.
     *
     * @param meanLoss mean cross-entropy in nats per predicted token (NaN when there are none)
     * @param tokens number of predicted (non-padding) positions
     */
    public record Result(double meanLoss, long tokens) {}

    /**
     * Returns base and base-plus-delta losses on the same pages.
     *
     * @param base loss with the base weights
     * @param withDelta loss with base + delta
     */
    public record Comparison(Result base, Result withDelta) {
        /** Returns {@code base - withDelta}: positive when the delta helps. */
        public double improvement() {
            return base.meanLoss() - withDelta.meanLoss();
        }
    }

    /**
     * Returns the model's loss on {@code pages}.
     *
     * @throws IllegalArgumentException when a page is shorter than 2 or longer than
     *     {@code n_positions + 1} tokens, or holds an id outside [-1, vocab)
     */
    public Result evaluate(GptModel model, List<int[]> pages) {
        double nll = 0;
        long tokens = 0;
        int maxLength = model.config().nPositions() + 1;
        try (NDManager root = NDManager.newBaseManager(model.device());
                GradMode.Guard ignored = GradMode.disabled()) {
            for (int from = 0; from < pages.size(); from += batchSize) {
                List<int[]> batch = pages.subList(from, Math.min(pages.size(), from + batchSize));
                try (NDManager scope = root.newSubManager()) {
                    NDArray array = CausalLmLoss.pagesToDevice(scope, batch, maxLength, model.config().vocabSize());
                    CausalLmLoss.Parts parts = CausalLmLoss.compute(model, array, false, precision);
                    float[] pair = NDArrays.stack(new NDList(parts.nllSum(), parts.count())).toFloatArray();
                    nll += pair[0];
                    tokens += Math.round(pair[1]);
                }
            }
        }
        return new Result(tokens == 0 ? Double.NaN : nll / tokens, tokens);
    }

    /**
     * Loads {@code base} into {@code model}, evaluates, adds {@code delta} in place on the device,
     * evaluates again, and loads {@code base} back, so the model ends holding exactly the base
     * weights (also when an evaluation fails). Delta tensors use the model's names (prefixed or bare)
     * and shapes; parameters the delta omits are unchanged.
     *
     * @throws ModelWeightsException when {@code base} does not fit the model, or a delta tensor is
     *     unknown, mis-shaped or not floating-point
     */
    public Comparison compareWithDelta(GptModel model, ParameterSet base, ParameterSet delta, List<int[]> pages) {
        checkDelta(model, delta);
        model.loadParameters(base);
        try {
            return compareAdding(model, delta, pages);
        } finally {
            model.loadParameters(base);
        }
    }

    /**
     * Evaluates the weights {@code model} holds, adds {@code delta} to them in place on the device,
     * and evaluates again: the model ends holding its weights plus {@code delta}. For a caller whose
     * model already holds the base (a miner checking what it is about to send), which then needs no
     * host copy of the base.
     *
     * @throws ModelWeightsException when a delta tensor is unknown, mis-shaped or not floating-point
     *     (nothing changed)
     */
    public Comparison compareAddingInPlace(GptModel model, ParameterSet delta, List<int[]> pages) {
        checkDelta(model, delta);
        return compareAdding(model, delta, pages);
    }

    /**
     * Adds {@code delta} in place to the weights {@code model} holds and returns the loss with it: the
     * second half of {@link #compareAddingInPlace}, for a caller that already knows the loss before.
     *
     * @throws ModelWeightsException when a delta tensor is unknown, mis-shaped or not floating-point
     *     (nothing changed)
     */
    public Result evaluateAddingInPlace(GptModel model, ParameterSet delta, List<int[]> pages) {
        checkDelta(model, delta);
        return evaluateAdding(model, delta, pages);
    }

    private Comparison compareAdding(GptModel model, ParameterSet delta, List<int[]> pages) {
        Result before = evaluate(model, pages);
        return new Comparison(before, evaluateAdding(model, delta, pages));
    }

    private Result evaluateAdding(GptModel model, ParameterSet delta, List<int[]> pages) {
        Map<String, NDArray> params = model.parameterArrays();
        try (NDManager scope = NDManager.newBaseManager(model.device());
                GradMode.Guard ignored = GradMode.disabled()) {
            for (NamedTensor t : delta) {
                NDArray p = params.get(GptParameterLayout.canonicalName(t.name()));
                p.addi(scope.create(t.toFloats(), p.getShape()));
            }
        }
        return evaluate(model, pages);
    }

    private static void checkDelta(GptModel model, ParameterSet delta) {
        Map<String, NDArray> params = model.parameterArrays();
        for (NamedTensor t : delta) {
            NDArray p = params.get(GptParameterLayout.canonicalName(t.name()));
            if (p == null) {
                throw new ModelWeightsException("delta tensor " + t.name() + " is not a model parameter");
            }
            if (!Arrays.equals(p.getShape().getShape(), t.shape())) {
                throw new ModelWeightsException("delta tensor " + t.name() + " has shape " + Arrays.toString(t.shape())
                        + ", the parameter has " + p.getShape());
            }
            if (!t.dtype().isFloatingPoint()) {
                throw new ModelWeightsException("delta tensor " + t.name() + " has dtype " + t.dtype());
            }
        }
    }
}
