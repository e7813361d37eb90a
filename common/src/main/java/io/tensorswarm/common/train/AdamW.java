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
 * optionally scaled so their global L2 norm is at most the clip value (computed on the device, no
 * host round trip), and zeroed after the update. Moment buffers live in the optimizer's own
 * manager; {@link #close()} frees them. The per-step scalars go to the device in one copy.
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
    private final NDArray beta1Array;
    private final NDArray oneMinusBeta1;
    private final NDArray beta2Array;
    private final NDArray oneMinusBeta2;
    private final NDArray epsArray;
    private int t;

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
        this.beta1Array = state.create((float) beta1);
        this.oneMinusBeta1 = state.create((float) (1 - beta1));
        this.beta2Array = state.create((float) beta2);
        this.oneMinusBeta2 = state.create((float) (1 - beta2));
        this.epsArray = state.create((float) eps);
    }

    /** Returns the number of updates applied so far. */
    public int stepCount() {
        return t;
    }

    /**
     * Clips, applies one update with learning rate {@code lr}, and zeroes the gradients. Every
     * temporary goes to {@code scope}.
     *
     * @param maxNorm global L2 norm to clip to; 0 or less means no clipping
     * @return the global gradient norm before clipping, as a 0-d array in {@code scope} (read it
     *     only when needed: reading forces a device sync)
     */
    public NDArray step(NDManager scope, double lr, double maxNorm) {
        t++;
        double bias1 = 1 - Math.pow(beta1, t);
        double bias2 = 1 - Math.pow(beta2, t);
        try (GradMode.Guard ignored = GradMode.disabled()) {
            List<NDArray> grads = new ArrayList<>(params.size());
            NDList squares = new NDList(params.size());
            for (NDArray p : params) {
                NDArray g = p.getGradient();
                g.attach(scope);
                grads.add(g);
                squares.add(g.norm());
            }
            NDArray norm = NDArrays.stack(squares).square().sum().sqrt();
            // One host-to-device copy for everything that changes per step.
            NDArray perStep = scope.create(new float[] {
                (float) (1 - lr * weightDecay), (float) (1 / Math.sqrt(bias2)), (float) (lr / bias1), (float) maxNorm
            });
            NDArray decayFactor = perStep.get(0);
            NDArray invSqrtBias2 = perStep.get(1);
            NDArray stepSize = perStep.get(2);
            if (maxNorm > 0) {
                NDArray coef = perStep.get(3).div(norm.add(1e-6f)).minimum(1f);
                for (NDArray g : grads) {
                    g.muli(coef);
                }
            }
            for (int i = 0; i < params.size(); i++) {
                NDArray p = params.get(i);
                NDArray g = grads.get(i);
                NDArray m = firstMoments.get(i);
                NDArray v = secondMoments.get(i);
                // At most two parameter-sized temporaries are alive at a time; the gradient itself is
                // consumed in place (it is zeroed below anyway).
                NDArray squared = g.square();
                v.muli(beta2Array).addi(squared.muli(oneMinusBeta2));
                squared.close();
                m.muli(beta1Array).addi(g.muli(oneMinusBeta1));
                NDArray denom = v.sqrt(); // receiver in the optimizer's manager: move the result
                denom.attach(scope);
                denom.muli(invSqrtBias2).addi(epsArray);
                NDArray update = m.div(denom);
                update.attach(scope);
                denom.close();
                if (decayed[i] && weightDecay > 0) {
                    p.muli(decayFactor);
                }
                p.subi(update.muli(stepSize));
                update.close();
                JniUtils.zeroGrad((PtNDArray) p);
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
