package io.tensorswarm.common.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LossGradientTest {
    private static final List<int[]> PAGES = List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8}, new int[] {7, 8, 9, 10, 11},
            new int[] {3, 3, 3, 30, 31, 32, -1});

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    /** The directional derivative along a random direction matches a central finite difference of the loss. */
    @Test
    void gradientMatchesFiniteDifferencesOfTheEvaluatorsLoss() {
        try (GptModel model = GptModel.create(EvaluatorTest.MICRO, 4, Device.cpu())) {
            ParameterSet weights = model.parameters();
            LossGradient.Result r = new LossGradient(2).compute(model, weights, PAGES);
            Evaluator eval = new Evaluator(2);
            assertEquals(eval.evaluate(model, PAGES).meanLoss(), r.meanLoss(), 1e-5, "same loss as the evaluator");
            assertEquals(weights.names(), r.gradient().names());

            Random random = new Random(3);
            ParameterSet.Builder direction = ParameterSet.builder();
            double predicted = 0;
            for (NamedTensor w : weights) {
                float[] v = new float[(int) w.elementCount()];
                for (int i = 0; i < v.length; i++) {
                    v[i] = (float) random.nextGaussian();
                }
                predicted += DeltaMath.dot(v, r.gradient().require(w.name()).toFloats());
                direction.add(NamedTensor.ofFloats(w.name(), w.shape(), v));
            }
            ParameterSet v = direction.build();
            double eps = 1e-3;
            model.loadParameters(Deltas.apply(weights, v, (float) eps));
            double plus = eval.evaluate(model, PAGES).meanLoss();
            model.loadParameters(Deltas.apply(weights, v, (float) -eps));
            double minus = eval.evaluate(model, PAGES).meanLoss();
            double measured = (plus - minus) / (2 * eps);
            assertEquals(predicted, measured, 0.02 * Math.abs(predicted) + 1e-3,
                    "directional derivative: gradient " + predicted + ", finite difference " + measured);
        }
    }

    @Test
    void batchingDoesNotChangeTheGradient() {
        try (GptModel model = GptModel.create(EvaluatorTest.MICRO, 4, Device.cpu())) {
            ParameterSet weights = model.parameters();
            ParameterSet one = new LossGradient(1).compute(model, weights, PAGES).gradient();
            ParameterSet all = new LossGradient(8).compute(model, weights, PAGES).gradient();
            for (NamedTensor t : one) {
                float[] a = t.toFloats();
                float[] b = all.require(t.name()).toFloats();
                for (int i = 0; i < a.length; i++) {
                    assertEquals(b[i], a[i], 1e-5 + 1e-3 * Math.abs(b[i]), t.name() + "[" + i + "]");
                }
            }
        }
    }

    /** The streamed pass (weights transformed on load, gradient tensor by tensor) is the same computation. */
    @Test
    void streamedPassAtTransformedWeightsGivesTheCollectedGradientBitForBit() {
        try (GptModel model = GptModel.create(EvaluatorTest.MICRO, 4, Device.cpu())) {
            ParameterSet base = model.parameters();
            ParameterSet shift = Deltas.apply(base, base, -0.5f); // base / 2, written as base - base/2
            LossGradient.Result collected = new LossGradient(2).compute(model, shift, PAGES);

            ParameterSet.Builder streamed = ParameterSet.builder();
            LossGradient.Loss loss = new LossGradient(2).compute(model, base,
                    t -> Deltas.apply(t, t.toFloats(), -0.5f), PAGES,
                    (w, g) -> streamed.add(NamedTensor.ofFloats(w.name(), w.shape(), g)));

            assertEquals(collected.meanLoss(), loss.meanLoss(), 0.0);
            assertEquals(collected.tokens(), loss.tokens());
            ParameterSet g = streamed.build();
            assertEquals(base.names(), g.names(), "in the weights' order, under their names");
            for (NamedTensor t : collected.gradient()) {
                assertArrayEquals(t.toFloats(), g.require(t.name()).toFloats(), 0f, t.name());
            }
            assertArrayEquals(shift.tensors().get(3).toFloats(), model.parameters().tensors().get(3).toFloats(), 0f,
                    "the model ends holding the transformed weights");
        }
    }

    @Test
    void pagesWithoutPredictedTokensAreRefused() {
        try (GptModel model = GptModel.create(EvaluatorTest.MICRO, 4, Device.cpu())) {
            assertThrows(IllegalArgumentException.class,
                    () -> new LossGradient(2).compute(model, model.parameters(), List.of(new int[] {3, -1})));
            assertThrows(IllegalArgumentException.class,
                    () -> new LossGradient(2).compute(model, model.parameters(), List.of()));
        }
    }
}
