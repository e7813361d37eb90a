package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.training.GradientCollector;
import io.tensorswarm.common.model.TorchRuntime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdamWTest {
    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    /**
     * Loss {@code sum(w * c) + sum(b * 0)}: the gradient of w is c, of b is 0. Compares three
     * updates with clipping and decay against torch.optim.AdamW's formula evaluated here in double.
     */
    @Test
    void matchesDecoupledAdamWWithGlobalNormClippingAndNoDecayMask() {
        float[] c = {0.5f, 1f, -2f};
        double lr = 0.1;
        double wd = 0.2;
        double b1 = 0.9;
        double b2 = 0.95;
        double eps = 1e-8;
        double maxNorm = 1.0;
        try (NDManager m = NDManager.newBaseManager()) {
            NDArray w = m.create(new float[] {1f, -2f, 3f});
            NDArray b = m.create(new float[] {0.5f, 0.5f});
            w.setRequiresGradient(true);
            b.setRequiresGradient(true);
            Map<String, NDArray> params = new LinkedHashMap<>();
            params.put("w.weight", w);
            params.put("b.bias", b);
            double[] ew = {1, -2, 3};
            double[] mm = new double[3];
            double[] vv = new double[3];
            double gnorm = Math.sqrt(0.25 + 1 + 4);
            double coef = Math.min(1, maxNorm / (gnorm + 1e-6));
            try (AdamW opt = new AdamW(params, n -> n.endsWith("weight"), b1, b2, eps, wd)) {
                for (int t = 1; t <= 3; t++) {
                    try (NDManager scope = m.newSubManager()) {
                        NDArray cArr = scope.create(c);
                        NDArray zero = scope.zeros(b.getShape());
                        try (GradientCollector gc = Engine.getInstance().newGradientCollector()) {
                            NDArray loss = cArr.mul(w).sum().add(zero.mul(b).sum());
                            gc.backward(loss);
                        }
                        NDArray norm = opt.step(scope, lr, maxNorm);
                        assertEquals(gnorm, norm.getFloat(), 1e-5, "norm is taken before clipping, fresh each step");
                    }
                    for (int i = 0; i < 3; i++) {
                        double g = c[i] * coef;
                        mm[i] = b1 * mm[i] + (1 - b1) * g;
                        vv[i] = b2 * vv[i] + (1 - b2) * g * g;
                        ew[i] *= 1 - lr * wd;
                        double denom = Math.sqrt(vv[i]) / Math.sqrt(1 - Math.pow(b2, t)) + eps;
                        ew[i] -= lr / (1 - Math.pow(b1, t)) * mm[i] / denom;
                    }
                    float[] actual = w.toFloatArray();
                    for (int i = 0; i < 3; i++) {
                        assertEquals(ew[i], actual[i], 1e-5, "w[" + i + "] after step " + t);
                    }
                    float[] bias = b.toFloatArray();
                    assertEquals(0.5f, bias[0], 0f, "no decay and a zero gradient leave the bias unchanged");
                    assertEquals(0.5f, bias[1], 0f);
                }
                assertEquals(3, opt.stepCount());
            }
        }
    }
}
