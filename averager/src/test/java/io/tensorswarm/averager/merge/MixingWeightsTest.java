package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MixingWeightsTest {
    @TempDir static Path tmp;
    static MergeFixture f;

    @BeforeAll
    static void fixture() {
        f = MergeFixture.create(tmp);
    }

    static List<MergeDelta> dense(ParameterSet... deltas) {
        return java.util.Arrays.stream(deltas).map(MergeDelta::dense).toList();
    }

    private static GptModel model() {
        return GptModel.fromParameters(TestModels.micro(), f.base, Device.cpu());
    }

    @Test
    void theAlphaGradientMatchesFiniteDifferencesOfTheLoss() {
        MixingWeights mw = new MixingWeights(MixingConfig.defaults());
        List<MergeDelta> deltas = dense(f.trainedA, f.noise);
        try (GptModel model = model()) {
            MixingWeights.LossAndGradient at = mw.lossAndGradient(model, f.base, deltas, new float[] {0.5f, 0.5f},
                    f.fitPages);
            float eps = 0.02f;
            for (int i = 0; i < 2; i++) {
                float[] plus = {0.5f, 0.5f};
                float[] minus = {0.5f, 0.5f};
                plus[i] += eps;
                minus[i] -= eps;
                double up = mw.lossAndGradient(model, f.base, deltas, plus, f.fitPages).loss();
                double down = mw.lossAndGradient(model, f.base, deltas, minus, f.fitPages).loss();
                double numeric = (up - down) / (2 * eps);
                assertEquals(numeric, at.gradient()[i], 0.05 * Math.abs(numeric) + 1e-3,
                        "dL/dalpha_" + i + ": analytic " + at.gradient()[i] + ", numeric " + numeric);
            }
            assertTrue(at.gradient()[0] < 0, "the trained delta lowers the loss");
            assertTrue(at.gradient()[1] > 0, "the noise delta raises it");
        }
    }

    @Test
    void learnedWeightsFavourTheHelpfulDeltaAndBeatUniform() {
        try (GptModel model = model()) {
            MixingWeights.Fit fit = new MixingWeights(MixingConfig.defaults())
                    .fit(model, f.base, dense(f.noise, f.trainedA), f.fitPages);
            float[] a = fit.alphas();
            assertEquals(1f, a[0] + a[1], 0f);
            assertTrue(a[1] > 0.8f, "weight of the trained delta: " + a[1]);
            assertTrue(fit.loss() < fit.uniformLoss(), fit.loss() + " vs uniform " + fit.uniformLoss());
            assertEquals(7, fit.evaluations());
        }
    }

    @Test
    void theSameInputsInAFreshModelGiveTheSameWeights() {
        float[] first;
        float[] second;
        List<MergeDelta> deltas = dense(f.trainedA, f.trainedB, f.noise);
        try (GptModel model = model()) {
            first = new MixingWeights(MixingConfig.defaults()).fit(model, f.base, deltas, f.fitPages).alphas();
        }
        try (GptModel model = model()) {
            second = new MixingWeights(MixingConfig.defaults()).fit(model, f.base, deltas, f.fitPages).alphas();
        }
        assertArrayEquals(first, second, 0f);
    }

    @Test
    void fittingLeavesNoArraysBehindInTheModel() {
        try (GptModel model = model()) {
            MixingWeights mw = new MixingWeights(MixingConfig.defaults().withIterations(1));
            mw.fit(model, f.base, dense(f.trainedA, f.noise), f.fitPages);
            int settled = model.managedArrayCount();
            mw.fit(model, f.base, dense(f.trainedA, f.noise), f.fitPages);
            assertEquals(settled, model.managedArrayCount());
        }
    }

    @Test
    void oneDeltaTakesTheWholeWeightWithoutEvaluating() {
        try (GptModel model = model()) {
            MixingWeights.Fit fit = new MixingWeights(MixingConfig.defaults())
                    .fit(model, f.base, dense(f.noise), List.of());
            assertArrayEquals(new float[] {1f}, fit.alphas(), 0f);
            assertEquals(0, fit.evaluations());
            assertThrows(IllegalArgumentException.class,
                    () -> new MixingWeights(MixingConfig.defaults()).fit(model, f.base, List.of(), f.fitPages));
        }
    }

    @Test
    void quantizedWeightsAreOnTheGridAndSumToExactlyOne() {
        float[] q = MixingWeights.quantize(new double[] {1, 1, 1}, 65536);
        // 65536 / 3 = 21845.33: the leftover unit goes to the first of the tied remainders
        assertArrayEquals(new float[] {21846 / 65536f, 21845 / 65536f, 21845 / 65536f}, q, 0f);
        assertEquals(1.0, (double) q[0] + q[1] + q[2], 0);
        assertArrayEquals(new float[] {0.75f, 0.25f}, MixingWeights.quantize(new double[] {0.75, 0.25}, 4), 0f);
    }

    @Test
    void anExponentiatedGradientStepMovesWeightTowardsTheLowerGradient() {
        double[] next = MixingWeights.exponentiatedGradientStep(new float[] {0.5f, 0.5f}, new double[] {-1, 1}, 1.0);
        // centred gradient [-1, 1], scale 1: weights e and 1/e, normalised
        assertEquals(Math.E / (Math.E + 1 / Math.E), next[0], 1e-15);
        assertEquals(1.0, next[0] + next[1], 1e-15);
    }
}
