package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrainConfigTest {
    @Test
    void scheduleWarmsUpLinearlyThenFollowsCosineToMinimum() {
        TrainConfig c = TrainConfig.defaults().withSteps(12).withWarmupSteps(2).withLearningRate(1.0);
        assertEquals(0.5, c.learningRateAt(0), 1e-12);
        assertEquals(1.0, c.learningRateAt(1), 1e-12);
        assertEquals(1.0, c.learningRateAt(2), 1e-12);
        // 9 decay intervals from step 2 to step 11; halfway (4.5) is not a step, so check step 5 exactly:
        assertEquals(0.1 + 0.5 * (1 + Math.cos(Math.PI * 3 / 9)) * 0.9, c.learningRateAt(5), 1e-12);
        assertEquals(0.1, c.learningRateAt(11), 1e-12);
        TrainConfig noWarmup = c.withWarmupSteps(0);
        assertEquals(1.0, noWarmup.learningRateAt(0), 1e-12);
    }

    @Test
    void rejectsOutOfRangeFieldsNamingThem() {
        TrainConfig d = TrainConfig.defaults();
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withSteps(0)).getMessage().contains("steps"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withBatchSize(0)).getMessage().contains("batch"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withLearningRate(-1)).getMessage().contains("learning rate"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withLearningRate(Double.NaN)).getMessage().contains("learning rate"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withWeightDecay(1.5)).getMessage().contains("weight decay"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withGradClip(-1)).getMessage().contains("grad clip"));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withLogEvery(0)).getMessage().contains("log every"));
        assertThrows(TrainConfigException.class, () -> new TrainConfig(1, 1, 1e-3, 0, 0.1, 0, 1.0, 0.95, 1e-8, 1, 0, 1, 1,
                io.tensorswarm.common.model.Precision.FP32));
    }

    @Test
    void samplerVisitsEveryPageOncePerEpochInSeededOrder() {
        List<int[]> pages = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            pages.add(new int[] {i, i});
        }
        BatchOrder a = new BatchOrder(pages, 4, 42);
        BatchOrder b = new BatchOrder(pages, 4, 42);
        BatchOrder other = new BatchOrder(pages, 4, 43);
        int[] seen = new int[10];
        int[] firstA = ids(a.nextBatch());
        assertArrayEquals(firstA, ids(b.nextBatch()));
        assertTrue(!java.util.Arrays.equals(firstA, ids(other.nextBatch())), "another seed gives another order");
        for (int id : firstA) {
            seen[id]++;
        }
        for (int id : ids(a.nextBatch())) {
            seen[id]++;
        }
        int[] third = ids(a.nextBatch()); // 2 left of epoch 1, then 2 of epoch 2
        seen[third[0]]++;
        seen[third[1]]++;
        assertArrayEquals(new int[] {1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, seen);
    }

    @Test
    void progressLineShowsBarStepLossLearningRateAndThroughput() {
        String line = ConsoleProgress.line(new TrainingListener.StepMetrics(50, 200, 2.34567f, 3e-4, 12345));
        assertEquals("[#####---------------]  50/200  loss 2.3457  lr 3.00e-04  12.3k tok/s", line);
    }

    private static int[] ids(List<int[]> batch) {
        return batch.stream().mapToInt(p -> p[0]).toArray();
    }
}
