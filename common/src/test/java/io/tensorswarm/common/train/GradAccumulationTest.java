package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code gradAccum = N} with batch b takes the same steps as one batch of {@code N x b}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class GradAccumulationTest {
    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    /** Pages of different lengths, some padded, so that micro-batches hold different token counts. */
    private static List<int[]> pages() {
        Random random = new Random(5);
        List<int[]> out = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            int[] p = new int[3 + random.nextInt(7)]; // MICRO has 8 positions: pages of up to 9 tokens
            for (int j = 0; j < p.length; j++) {
                p[j] = random.nextInt(32);
            }
            if (i % 3 == 0) {
                p[p.length - 1] = -1;
            }
            out.add(p);
        }
        return out;
    }

    private static ParameterSet train(TrainConfig config, float[] lossesOut) {
        try (GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, config)) {
            TrainResult r = trainer.train(pages(), TrainingListener.NONE);
            System.arraycopy(r.losses(), 0, lossesOut, 0, lossesOut.length);
            return model.parameters();
        }
    }

    @Test
    void accumulatedMicroBatchesGiveTheSameUpdateAsOneLargeBatch() {
        TrainConfig base = TrainConfig.defaults().withSteps(4).withLearningRate(3e-3).withWarmupSteps(1)
                .withGradClip(0.5).withSeed(9);
        float[] oneBatchLosses = new float[4];
        float[] accumulatedLosses = new float[4];
        ParameterSet oneBatch = train(base.withBatchSize(6), oneBatchLosses);
        ParameterSet accumulated = train(base.withBatchSize(2).withGradAccum(3), accumulatedLosses);
        assertArrayEquals(oneBatchLosses, accumulatedLosses, 1e-5f, "step losses");
        double maxDiff = 0;
        double maxMove = 0;
        try (GptModel fresh = GptModel.create(TrainerTest.MICRO, 1, Device.cpu())) {
            ParameterSet start = fresh.parameters();
            for (NamedTensor t : oneBatch) {
                float[] a = t.toFloats();
                float[] b = accumulated.require(t.name()).toFloats();
                float[] s = start.require(t.name()).toFloats();
                for (int i = 0; i < a.length; i++) {
                    maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                    maxMove = Math.max(maxMove, Math.abs(a[i] - s[i]));
                }
            }
        }
        assertTrue(maxMove > 1e-3, "training moved the weights: " + maxMove);
        assertTrue(maxDiff < 1e-5, "largest weight difference " + maxDiff + " (weights moved up to " + maxMove + ")");
    }

    @Test
    void aStepConsumesBatchSizeTimesAccumulationPages() {
        TrainConfig c = TrainConfig.defaults().withBatchSize(4).withGradAccum(8);
        assertEquals(32, c.pagesPerStep());
        assertThrows(TrainConfigException.class, () -> c.withGradAccum(0));
    }

    @Test
    void predictedTokensSkipPaddingTargetsAndTheFirstToken() {
        assertEquals(2 + 4, Trainer.predictedTokens(List.of(new int[] {1, 2, -1, 3}, new int[] {4, 5, 6, 7, 8})));
    }
}
