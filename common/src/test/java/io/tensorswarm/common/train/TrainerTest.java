package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.BaseNDManager;
import ai.djl.ndarray.NDManager;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300)
class TrainerTest {
    static final GptConfig MICRO = new GptConfig(32, 8, 16, 1, 2, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true,
            null, null, Map.of());

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void nativeArrayCountsStayConstantOverThousandsOfSteps() {
        List<int[]> pages = List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[] {9, 8, 7, 6, -1, -1},
                new int[] {4, 4, 4, 4, 4, 4, 4, 4, 4});
        TrainConfig cfg = TrainConfig.defaults().withSteps(50).withBatchSize(2).withWarmupSteps(5).withLearningRate(1e-3);
        try (GptModel model = GptModel.create(MICRO.withDropout(0.1), 1, Device.cpu());
                Trainer trainer = new Trainer(model, cfg)) {
            trainer.train(pages, TrainingListener.NONE);
            int modelArrays = model.managedArrayCount();
            int trainerArrays = trainer.managedArrayCount();
            int systemArrays = systemArrayCount();
            for (int round = 0; round < 40; round++) {
                trainer.train(pages, TrainingListener.NONE);
            }
            assertEquals(modelArrays, model.managedArrayCount(), "arrays under the model's manager");
            assertEquals(trainerArrays, trainer.managedArrayCount(), "arrays under the trainer's scope");
            assertEquals(systemArrays, systemArrayCount(), "system manager");
        }
    }

    @Test
    void lossFallsOnEnglishTextWithinAFewHundredSteps() throws IOException {
        List<int[]> pages = bytePages(65);
        GptConfig cfg = new GptConfig(256, 64, 64, 2, 4, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true, null, null,
                Map.of());
        TrainConfig train = TrainConfig.defaults().withSteps(250).withBatchSize(8).withWarmupSteps(20)
                .withLearningRate(3e-3).withSeed(7);
        try (GptModel model = GptModel.create(cfg, 3, Device.cpu());
                Trainer trainer = new Trainer(model, train)) {
            List<TrainingListener.StepMetrics> seen = new ArrayList<>();
            TrainResult r = trainer.train(pages, seen::add);
            assertEquals(250, seen.size());
            assertEquals(Math.log(256), r.firstLoss(), 0.25, "an untrained byte model is near uniform");
            double last = r.meanOfLast(20);
            assertTrue(last < 2.6, "mean loss of the last 20 steps " + last + " should fall well below ln 256 = 5.55");
        }
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, 0.2})
    void sameSeedGivesIdenticalWeightsAndLossesWithAndWithoutDropout(double dropout) {
        List<int[]> pages = List.of(new int[] {1, 2, 3, 4, 5}, new int[] {5, 4, 3, 2, 1}, new int[] {7, 7, 8, 8, 9});
        TrainConfig cfg = TrainConfig.defaults().withSteps(20).withBatchSize(2).withWarmupSteps(2).withLearningRate(1e-2);
        try (GptModel a = GptModel.create(MICRO.withDropout(dropout), 1, Device.cpu());
                GptModel b = GptModel.create(MICRO.withDropout(dropout), 1, Device.cpu());
                Trainer ta = new Trainer(a, cfg);
                Trainer tb = new Trainer(b, cfg)) {
            assertArrayEquals(ta.train(pages, TrainingListener.NONE).losses(), tb.train(pages, TrainingListener.NONE).losses());
            assertArrayEquals(a.parameters().require("transformer.h.0.mlp.c_fc.weight").toFloats(),
                    b.parameters().require("transformer.h.0.mlp.c_fc.weight").toFloats());
        }
    }

    @Test
    @Timeout(60)
    void aRunWithoutAStepCapStopsBeforeTheStepThatWouldEndAfterItsDeadline() {
        List<int[]> pages = List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[] {9, 8, 7, 6, -1, -1});
        TrainConfig cfg = TrainConfig.defaults().withSteps(TrainConfig.UNLIMITED_STEPS).withBatchSize(2)
                .withWarmupSteps(2).withDecaySteps(0);
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu()); Trainer trainer = new Trainer(model, cfg)) {
            trainer.train(pages, TrainingListener.NONE, TrainingDeadline.in(Duration.ofMillis(300))); // warm the JIT
            List<TrainingListener.StepMetrics> seen = new ArrayList<>();
            long start = System.nanoTime();
            TrainingDeadline deadline = TrainingDeadline.in(Duration.ofMillis(1500));
            TrainResult r = trainer.train(pages, seen::add, deadline);
            long overrun = -deadline.nanosLeft();
            assertTrue(r.stoppedAtDeadline());
            assertTrue(r.steps() >= 10, "a micro model's steps take milliseconds: " + r.steps() + " steps");
            assertEquals(r.steps(), seen.size());
            assertEquals(r.steps(), r.losses().length);
            assertEquals(0, seen.get(0).totalSteps(), "no step count is known ahead");
            assertTrue(overrun < Duration.ofMillis(250).toNanos(),
                    "ended " + overrun / 1e6 + " ms after the deadline, " + (System.nanoTime() - start) / 1e6 + " ms in all");
            assertTrue(overrun > -Duration.ofMillis(250).toNanos(), "used its time: " + (-overrun / 1e6) + " ms left");
        }
    }

    @Test
    @Timeout(60)
    void aStepCapEndsTheRunBeforeAFarDeadlineAndAPassedDeadlineStillGetsOneStep() {
        List<int[]> pages = List.of(new int[] {1, 2, 3, 4, 5}, new int[] {5, 4, 3, 2, 1});
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(5).withBatchSize(1))) {
            TrainResult capped = trainer.train(pages, TrainingListener.NONE, TrainingDeadline.in(Duration.ofHours(1)));
            assertEquals(5, capped.steps());
            assertFalse(capped.stoppedAtDeadline());
            TrainResult late = trainer.train(pages, TrainingListener.NONE, TrainingDeadline.in(Duration.ofSeconds(-1)));
            assertEquals(1, late.steps(), "a run makes at least one update");
            assertTrue(late.stoppedAtDeadline());
            assertEquals(6, trainer.globalStep());
        }
    }

    @Test
    void rejectsMalformedPages() {
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(1).withBatchSize(1))) {
            assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(), TrainingListener.NONE));
            assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new int[] {1}), TrainingListener.NONE));
            assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new int[10]), TrainingListener.NONE));
            assertThrows(IllegalArgumentException.class, () -> trainer.train(List.of(new int[] {1, 32}), TrainingListener.NONE));
        }
    }

    /** Returns the number of arrays held directly by DJL's engine-wide system manager. */
    static int systemArrayCount() {
        try (NDManager probe = NDManager.newBaseManager()) {
            return ((BaseNDManager) probe.getParentManager()).getManagedArrays().size();
        }
    }

    /** Splits the English sample into overlapping byte pages of {@code len} tokens. */
    static List<int[]> bytePages(int len) throws IOException {
        byte[] text;
        try (InputStream in = TrainerTest.class.getResourceAsStream("/text/english-sample.txt")) {
            text = in.readAllBytes();
        }
        assertTrue(new String(text, StandardCharsets.UTF_8).startsWith("The river"));
        List<int[]> pages = new ArrayList<>();
        for (int start = 0; start + len <= text.length; start += len / 2) {
            int[] p = new int[len];
            for (int i = 0; i < len; i++) {
                p[i] = text[start + i] & 0xff;
            }
            pages.add(p);
        }
        return pages;
    }
}
