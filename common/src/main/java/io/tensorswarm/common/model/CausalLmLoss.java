package io.tensorswarm.common.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;

/**
 * Computes the masked next-token cross-entropy of a batch of pages: inputs are
 * {@code page[0..L-2]}, targets {@code page[1..L-1]}, and a target of -1 (padding) contributes
 * nothing. An input of -1 is fed as token 0.
 *
 * <p>A page is an {@code int[]} of 2 to {@code n_positions + 1} token ids; pages of one batch may
 * differ in length (shorter ones are padded with -1). The batch goes to the device in a single host
 * copy; masks and shifted views are derived there.
 */
public final class CausalLmLoss {
    private CausalLmLoss() {}

    /** Summed negative log-likelihood and the number of predicted (non-padding) targets, as 0-d arrays. */
    public record Parts(NDArray nllSum, NDArray count) {
        /** Returns the mean loss {@code nllSum / max(count, 1)} as a 0-d array. */
        public NDArray mean() {
            return nllSum.div(count.maximum(1f));
        }
    }

    /**
     * Returns the pages as one {@code (B, Lmax)} int64 array in {@code m}, padded with -1.
     *
     * @throws IllegalArgumentException when there are no pages, a page is shorter than 2 or longer
     *     than {@code maxLength}, or holds an id outside [-1, vocab)
     */
    public static NDArray pagesToDevice(NDManager m, List<int[]> pages, int maxLength, int vocab) {
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no pages in batch");
        }
        int len = 0;
        for (int[] p : pages) {
            if (p.length < 2 || p.length > maxLength) {
                throw new IllegalArgumentException("page of " + p.length + " tokens; pages need 2 to " + maxLength);
            }
            len = Math.max(len, p.length);
        }
        long[] flat = new long[pages.size() * len];
        java.util.Arrays.fill(flat, -1L);
        for (int i = 0; i < pages.size(); i++) {
            int[] p = pages.get(i);
            for (int j = 0; j < p.length; j++) {
                if (p[j] < -1 || p[j] >= vocab) {
                    throw new IllegalArgumentException("token id " + p[j] + " outside [-1, " + vocab + ")");
                }
                flat[i * len + j] = p[j];
            }
        }
        return m.create(flat, new Shape(pages.size(), len));
    }

    /**
     * Runs {@code model} on a {@code (B, L)} page array from {@link #pagesToDevice} and returns the
     * loss parts; every array (and temporary) belongs to the page array's manager.
     */
    public static Parts compute(GptModel model, NDArray pages, boolean training) {
        return compute(model, pages, training, Precision.FP32);
    }

    /** As {@link #compute(GptModel, NDArray, boolean)}, the model computing in {@code precision} (the loss in F32). */
    public static Parts compute(GptModel model, NDArray pages, boolean training, Precision precision) {
        NDArray inputs = pages.get(new NDIndex(":, :-1")).maximum(0);
        NDArray targets = pages.get(new NDIndex(":, 1:")).reshape(-1);
        NDArray mask = targets.gte(0).toType(DataType.FLOAT32, false);
        NDArray safeTargets = targets.maximum(0).reshape(-1, 1);
        NDArray logits = model.forward(inputs, training, precision);
        NDArray flat = logits.reshape(-1, model.config().vocabSize());
        NDArray logProbs = flat.logSoftmax(1);
        // The logits are (B, T, vocab), the largest array of the step (0.8 GB for gpt2 at 4 x 1024): log-softmax's
        // backward needs only its output, so they are freed now rather than when the caller's scope closes.
        flat.close();
        logits.close();
        NDArray picked = logProbs.gather(safeTargets, 1).reshape(-1);
        NDArray nllSum = picked.mul(mask).sum().neg();
        return new Parts(nllSum, mask.sum());
    }
}
