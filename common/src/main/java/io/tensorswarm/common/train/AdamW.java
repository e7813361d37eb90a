package io.tensorswarm.common.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDArray;
import ai.djl.pytorch.jni.JniUtils;
import io.tensorswarm.common.model.GradMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Updates parameters in place with AdamW (decoupled weight decay, as {@code torch.optim.AdamW}):
 * {@code p -= lr * wd * p} for decayed parameters, then {@code p -= lr / (1 - b1^t) * m / (sqrt(v) /
 * sqrt(1 - b2^t) + eps)}.
 *
 * <p>Gradients are read from the parameters (filled by a gradient collector's backward pass),
 * optionally scaled so their global L2 norm is at most the clip value, and zeroed after the update.
 * Each tensor is updated by one fused libtorch call (DJL's {@code adamUpdate}) rather than a dozen
 * element-wise ones, which is most of the optimizer's cost on small models. Moment buffers live in the
 * optimizer's own manager; {@link #close()} frees them.
 *
 * <p>The state (both moments of every parameter and the step count) can be read and replaced, so it
 * outlives the process: {@link AdamWStateFile} saves and restores it.
 */
public final class AdamW implements AutoCloseable {
    private final NDManager state;
    private final List<String> names;
    private final List<NDArray> params;
    private final List<NDArray> firstMoments = new ArrayList<>();
    private final List<NDArray> secondMoments = new ArrayList<>();
    private final boolean[] decayed;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double weightDecay;
    private long t;

    /**
     * Creates an optimizer over {@code params} (updated in place, in this order); {@code isDecayed}
     * says which names take weight decay.
     */
    public AdamW(Map<String, NDArray> params, Predicate<String> isDecayed, double beta1, double beta2, double eps,
            double weightDecay) {
        NDArray first = params.values().iterator().next();
        this.state = first.getManager().newSubManager(first.getDevice());
        this.names = List.copyOf(params.keySet());
        this.params = List.copyOf(params.values());
        this.decayed = new boolean[names.size()];
        for (int i = 0; i < names.size(); i++) {
            decayed[i] = isDecayed.test(names.get(i));
            NDArray p = this.params.get(i);
            firstMoments.add(state.zeros(p.getShape(), p.getDataType()));
            secondMoments.add(state.zeros(p.getShape(), p.getDataType()));
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        this.weightDecay = weightDecay;
    }

    /** Returns the number of updates applied so far (restored ones included). */
    public long stepCount() {
        return t;
    }

    /** Returns the parameter names, in update order. */
    public List<String> names() {
        return names;
    }

    /** Returns the shape of parameter {@code i} (its moments have the same). */
    long[] shape(int i) {
        return params.get(i).getShape().getShape();
    }

    /** Returns the first-moment buffer of parameter {@code i}, updated in place by each step. */
    NDArray firstMoment(int i) {
        return firstMoments.get(i);
    }

    /** Returns the second-moment buffer of parameter {@code i}, updated in place by each step. */
    NDArray secondMoment(int i) {
        return secondMoments.get(i);
    }

    /** Sets the step count, after the moments were restored; bias correction continues from it. */
    void restoreStepCount(long steps) {
        if (steps < 0) {
            throw new IllegalArgumentException("step count " + steps + " is negative");
        }
        t = steps;
    }

    /** Returns the optimizer to its fresh state: zero moments, no step taken. */
    void reset() {
        for (int i = 0; i < params.size(); i++) {
            NDArray p = params.get(i);
            firstMoments.set(i, state.zeros(p.getShape(), p.getDataType())).close();
            secondMoments.set(i, state.zeros(p.getShape(), p.getDataType())).close();
        }
        t = 0;
    }

    /**
     * Clips, applies one update with learning rate {@code lr}, and zeroes the gradients. Every
     * temporary goes to {@code scope}.
     *
     * @param maxNorm global L2 norm to clip to; 0 or less means no clipping
     * @return the global gradient norm before clipping, as a 0-d array in {@code scope} (with
     *     clipping on it has been read once already, for the clip factor)
     */
    public NDArray step(NDManager scope, double lr, double maxNorm) {
        t++;
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        try (GradMode.Guard ignored = GradMode.disabled()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            NDList norms = new NDList(params.size());
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(scope);
                grads.add(g);
                norms.add(g.norm());
            }
            NDArray norm = NDArrays.stack(norms).square().sum().sqrt();
            // The clip factor goes to libtorch as a plain float, which costs one read of the norm per step
            // (the trainer reads the loss anyway).
            float clip = maxNorm > 0 ? (float) Math.min(1.0, maxNorm / (norm.getFloat() + 1e-6)) : 1f;
            // libtorch's fused update computes p -= s * m / (sqrt(v) + e). torch.optim.AdamW's
            // p -= lr / b1 * m / (sqrt(v) / sqrt(b2) + eps) is that with s = lr sqrt(b2) / b1, e = eps sqrt(b2).
            float stepSize = (float) (lr * Math.sqrt(bias2) / bias1);
            float epsHat = (float) (eps * Math.sqrt(bias2));
            for (int i = 0; i < params.size(); i++) {
                PtNDArray p = (PtNDArray) params.get(i);
                float decay = decayed[i] ? (float) weightDecay : 0f;
                // One native call per tensor: decoupled decay p -= lr wd p, then the moments and the step,
                // on a scaled copy of the gradient (clip -1: no element-wise clamp).
                JniUtils.adamUpdate(p, (PtNDArray) grads.get(i), (PtNDArray) firstMoments.get(i),
                        (PtNDArray) secondMoments.get(i), (float) lr, stepSize, decay, clip, -1f, (float) beta1,
                        (float) beta2, epsHat, true);
                JniUtils.zeroGrad(p);
            }
            return norm;
        }
    }

    /** Frees the moment buffers. */
    @Override
    public void close() {
        state.close();
    }
}
