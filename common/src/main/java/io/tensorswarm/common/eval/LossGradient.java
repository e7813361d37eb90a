package io.tensorswarm.common.eval;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tensorswarm.common.model.CausalLmLoss;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.GptParameterLayout;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Computes the gradient of a model's token-mean next-token loss on a set of pages with respect to
 * every parameter, at given weights: one forward and backward pass per batch, gradients summed over
 * batches and divided by the number of predicted tokens. The averager's mixing-weight fit and the
 * scorers' progress check ({@code protocol.scoring.ProgressCheck}) both use it.
 *
 * <p>Uses DJL's gradient collector, of which only one may be active per process: do not run it
 * concurrently with training in the same JVM. Not thread-safe.
 */
public final class LossGradient {
    private final int batchSize;
    private final Precision precision;

    /**
     * The loss and its gradient.
     *
     * @param meanLoss token-mean loss at the weights
     * @param tokens predicted tokens it is the mean of
     * @param gradient {@code ∂ meanLoss / ∂θ}, F32, one tensor per weight, with the weights' names
     */
    public record Result(double meanLoss, long tokens, ParameterSet gradient) {}

    /**
     * The loss of a pass whose gradient went to a {@link GradientSink}.
     *
     * @param meanLoss token-mean loss at the weights
     * @param tokens predicted tokens it is the mean of
     */
    public record Loss(double meanLoss, long tokens) {}

    /** Receives the gradient one tensor at a time, so no host copy of the whole gradient is built. */
    @FunctionalInterface
    public interface GradientSink {
        /**
         * Takes {@code ∂ meanLoss / ∂θ} for one weight (F32, the receiver's to keep or modify).
         *
         * @param weight the weight as it was given (its name and shape)
         */
        void accept(NamedTensor weight, float[] gradient);
    }

    /** Creates a gradient pass over batches of {@code batchSize} pages. */
    public LossGradient(int batchSize) {
        this(batchSize, Precision.FP32);
    }

    /** As the one-argument constructor, computing the forward pass in {@code precision} (sums stay F32). */
    public LossGradient(int batchSize, Precision precision) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
        }
        this.batchSize = batchSize;
        this.precision = Objects.requireNonNull(precision, "precision");
    }

    /**
     * Loads {@code weights} into {@code model} and returns the loss on {@code pages} and its gradient
     * with respect to each of {@code weights}' tensors. The model ends holding {@code weights}.
     *
     * @throws IllegalArgumentException when the pages hold no predicted token, or a page does not fit
     *     the model (see {@link CausalLmLoss#pagesToDevice})
     */
    public Result compute(GptModel model, ParameterSet weights, List<int[]> pages) {
        ParameterSet.Builder gradient = ParameterSet.builder();
        Loss loss = compute(model, weights, UnaryOperator.identity(), pages,
                (w, g) -> gradient.add(NamedTensor.ofFloats(w.name(), w.shape(), g)));
        return new Result(loss.meanLoss(), loss.tokens(), gradient.build());
    }

    /**
     * Loads {@code transform} of each of {@code weights}' tensors into {@code model} ({@link
     * GptModel#loadParameters(ParameterSet, UnaryOperator)}), and hands the gradient of the loss on
     * {@code pages} to {@code sink} one tensor at a time, in {@code weights}' order. Neither the
     * transformed weights nor the gradient is ever held whole on the host.
     *
     * @throws IllegalArgumentException when the pages hold no predicted token, or a page does not fit
     *     the model (see {@link CausalLmLoss#pagesToDevice})
     */
    public Loss compute(GptModel model, ParameterSet weights, UnaryOperator<NamedTensor> transform,
            List<int[]> pages, GradientSink sink) {
        Objects.requireNonNull(weights, "weights");
        Objects.requireNonNull(sink, "sink");
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no pages to take the gradient on");
        }
        model.loadParameters(weights, transform); // fresh parameter tensors: no stale gradients
        Map<String, NDArray> params = model.parameterArrays();
        int maxLength = model.config().nPositions() + 1;
        int vocab = model.config().vocabSize();
        double nll = 0;
        long tokens = 0;
        try (NDManager root = NDManager.newBaseManager(model.device())) {
            for (int from = 0; from < pages.size(); from += batchSize) {
                List<int[]> batch = pages.subList(from, Math.min(pages.size(), from + batchSize));
                try (NDManager scope = root.newSubManager()) {
                    NDArray array = CausalLmLoss.pagesToDevice(scope, batch, maxLength, vocab);
                    try (GradientCollector collector = root.getEngine().newGradientCollector()) {
                        CausalLmLoss.Parts parts = CausalLmLoss.compute(model, array, false, precision);
                        collector.backward(parts.nllSum()); // gradients add up over batches
                        float[] pair = NDArrays.stack(new NDList(parts.nllSum(), parts.count())).toFloatArray();
                        nll += pair[0];
                        tokens += Math.round(pair[1]);
                    }
                }
            }
            if (tokens == 0) {
                throw new IllegalArgumentException("pages hold no predicted tokens");
            }
            float inverse = 1f / tokens;
            for (NamedTensor w : weights) {
                NDArray p = params.get(GptParameterLayout.canonicalName(w.name()));
                if (p == null) {
                    throw new IllegalArgumentException("weight " + w.name() + " is not a model parameter");
                }
                float[] grad;
                try (NDManager scope = root.newSubManager()) {
                    NDArray g = p.getGradient();
                    g.attach(scope);
                    grad = g.toFloatArray();
                }
                JniUtils.zeroGrad((PtNDArray) p);
                for (int i = 0; i < grad.length; i++) {
                    grad[i] *= inverse;
                }
                sink.accept(w, grad);
            }
        }
        return new Loss(nll / tokens, tokens);
    }
}
