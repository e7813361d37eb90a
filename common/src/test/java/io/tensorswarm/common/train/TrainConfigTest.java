package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
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
                io.tensorswarm.common.model.Precision.FP32, TrainConfig.DECAY_PER_RUN));
        assertTrue(assertThrows(TrainConfigException.class, () -> d.withDecaySteps(-2)).getMessage().contains("decay"));
    }

    @Test
    void globalScheduleWarmsUpOnceOverTheFirstGlobalStepsThenHoldsThePeakInEveryLaterCall() {
        TrainConfig c = TrainConfig.defaults().withSteps(TrainConfig.UNLIMITED_STEPS).withWarmupSteps(4)
                .withLearningRate(1.0).withDecaySteps(0);
        assertTrue(c.globalSchedule());
        assertEquals(0.25, c.learningRate(0, 0), 1e-12);
        assertEquals(0.75, c.learningRate(2, 0), 1e-12, "a call starting at global step 2 is still warming up");
        assertEquals(0.75, c.learningRate(2, 9), 1e-12, "the step within the call does not matter");
        assertEquals(1.0, c.learningRate(3, 3), 1e-12);
        assertEquals(1.0, c.learningRate(4, 0), 1e-12, "a later call does not warm up again");
        assertEquals(1.0, c.learningRate(1_000_000, 0), 1e-12, "no decay: the peak for good");
    }

    @Test
    void globalScheduleDecaysByCosineOverItsHorizonThenStaysAtTheMinimum() {
        TrainConfig c = TrainConfig.defaults().withWarmupSteps(2).withLearningRate(1.0).withDecaySteps(10);
        assertEquals(1.0, c.learningRate(2, 0), 1e-12);
        assertEquals(0.1 + 0.5 * 0.9, c.learningRate(7, 0), 1e-12, "half-way: half-way between peak and minimum");
        assertEquals(0.1, c.learningRate(12, 0), 1e-12);
        assertEquals(0.1, c.learningRate(500, 3), 1e-12);
    }

    @Test
    void perRunScheduleIgnoresTheGlobalStepAsBefore() {
        TrainConfig c = TrainConfig.defaults().withSteps(12).withWarmupSteps(2).withLearningRate(1.0);
        for (int s = 0; s < 12; s++) {
            assertEquals(c.learningRateAt(s), c.learningRate(1000 + s, s), 1e-15);
        }
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
        assertEquals("step 50  loss 2.3457  lr 3.00e-04  12.3k tok/s",
                ConsoleProgress.line(new TrainingListener.StepMetrics(50, 0, 2.34567f, 3e-4, 12345)),
                "a run that only a deadline ends has no step count to draw a bar of");
    }

    private static int[] ids(List<int[]> batch) {
        return batch.stream().mapToInt(p -> p[0]).toArray();
    }
}
