package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.AdamWStateFile.Restored;
import io.tensorswarm.common.train.AdamWStateFile.Status;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link AdamWStateFile} through {@link Trainer}: a trainer restarted from saved weights and a saved
 * optimizer state takes exactly the updates of one that never stopped; a state for another model is
 * dropped; a malformed one leaves the optimizer fresh and the file as it was.
 */
@Timeout(60)
class AdamWStateFileTest {
    static final List<int[]> PAGES = List.of(new int[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, new int[] {9, 8, 7, 6, 5, 4, 3},
            new int[] {4, 4, 4, 4, 5, 5, 5, 5, 6}, new int[] {3, 1, 4, 1, 5, 9, 2, 6, 5});
    /** Two steps per call, warm-up over the first three global steps, then the peak: the schedule spans calls. */
    static final TrainConfig CONFIG = TrainConfig.defaults().withSteps(2).withBatchSize(2).withWarmupSteps(3)
            .withLearningRate(1e-2).withDecaySteps(0).withSeed(5);

    @TempDir Path tmp;

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void aTrainerRestartedFromSavedWeightsAndStateTakesTheSameUpdatesAsOneThatNeverStopped() throws Exception {
        Path state = tmp.resolve("optimizer.safetensors");
        ParameterSet afterTwo;
        ParameterSet continuous;
        List<Double> continuousRates = new ArrayList<>();
        try (GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, CONFIG)) {
            trainer.train(PAGES, TrainingListener.NONE);
            trainer.saveOptimizer(state);
            afterTwo = model.parameters();
            trainer.train(PAGES, m -> continuousRates.add(m.learningRate()));
            assertEquals(4, trainer.globalStep());
            continuous = model.parameters();
        }
        List<Double> restartedRates = new ArrayList<>();
        ParameterSet restarted;
        try (GptModel model = GptModel.fromParameters(TrainerTest.MICRO, afterTwo, Device.cpu());
                Trainer trainer = new Trainer(model, CONFIG)) {
            Restored r = trainer.restoreOptimizer(state);
            assertEquals(Status.RESTORED, r.status(), r.message());
            assertEquals(2, r.step());
            assertEquals(2, trainer.globalStep(), "the step count came back with the moments");
            trainer.train(PAGES, m -> restartedRates.add(m.learningRate()));
            assertEquals(4, trainer.globalStep());
            restarted = model.parameters();
        }
        assertEquals(List.of(1e-2, 1e-2), continuousRates.stream().map(v -> Math.round(v * 1e6) / 1e6).toList(),
                "the third global step ends the warm-up, in whichever call it falls");
        assertEquals(continuousRates, restartedRates, "the schedule continued from the saved step count");
        for (NamedTensor t : continuous) {
            assertArrayEquals(t.toFloats(), restarted.require(t.name()).toFloats(), 0f, t.name());
        }
        ParameterSet fresh;
        try (GptModel model = GptModel.fromParameters(TrainerTest.MICRO, afterTwo, Device.cpu());
                Trainer trainer = new Trainer(model, CONFIG)) {
            trainer.train(PAGES, TrainingListener.NONE);
            fresh = model.parameters();
        }
        String name = "transformer.h.0.mlp.c_fc.weight";
        assertFalse(Arrays.equals(continuous.require(name).toFloats(), fresh.require(name).toFloats()),
                "without the saved state the updates differ, so the comparison above proves something");
    }

    @Test
    void aStateSavedForAnotherModelShapeIsDroppedAsAModelChange() throws Exception {
        Path state = tmp.resolve("optimizer.safetensors");
        trainAndSave(TrainerTest.MICRO, state);
        GptConfig wider = new GptConfig(32, 8, 24, 1, 2, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true, null, null,
                java.util.Map.of());
        try (GptModel model = GptModel.create(wider, 1, Device.cpu()); Trainer trainer = new Trainer(model, CONFIG)) {
            Restored r = trainer.restoreOptimizer(state);
            assertEquals(Status.MODEL_CHANGED, r.status(), r.message());
            assertTrue(r.message().contains("shape") && r.message().contains(state.toString()), r.message());
            assertEquals(0, trainer.globalStep());
        }
    }

    @Test
    void noFileMeansAFreshOptimizer() {
        try (GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, CONFIG)) {
            Restored r = trainer.restoreOptimizer(tmp.resolve("none.safetensors"));
            assertEquals(Status.ABSENT, r.status());
            assertEquals(0, trainer.globalStep());
        }
    }

    @Test
    void malformedOrNonFiniteFilesLeaveTheOptimizerFreshAndTheFileAsItWas() throws Exception {
        Path good = tmp.resolve("good.safetensors");
        trainAndSave(TrainerTest.MICRO, good);
        byte[] bytes = Files.readAllBytes(good);
        ParameterSet saved = new SafetensorsReader().read(good);
        String last = saved.names().get(saved.size() - 1);
        List<Path> bad = new ArrayList<>();
        bad.add(write("truncated", Arrays.copyOf(bytes, bytes.length - 7)));
        bad.add(write("garbage", "not a safetensors file at all".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        bad.add(write("empty", new byte[0]));
        bad.add(rewrite(saved, "nan-last", last, t -> withValue(t, Float.NaN)));
        bad.add(rewrite(saved, "negative-second-moment", saved.names().get(1), t -> withValue(t, -1f)));
        Path bf16 = tmp.resolve("bf16.safetensors");
        SafetensorsWriter.convertingF32To(DType.BF16).write(saved, bf16);
        bad.add(bf16);
        bad.add(withMetadata(saved, "other-kind", AdamWStateFile.KIND_KEY, "tensorswarm-residual"));
        bad.add(withMetadata(saved, "step-not-a-number", AdamWStateFile.STEP_KEY, "two"));
        bad.add(withMetadata(saved, "negative-step", AdamWStateFile.STEP_KEY, "-2"));

        ParameterSet reference = trainOneStepFrom(null);
        for (Path file : bad) {
            byte[] before = Files.readAllBytes(file);
            try (GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu());
                    Trainer trainer = new Trainer(model, CONFIG)) {
                Restored r = trainer.restoreOptimizer(file);
                assertEquals(Status.UNUSABLE, r.status(), file + ": " + r.message());
                assertFalse(r.message().contains("\n"), "one line: " + r.message());
                assertTrue(r.message().contains(file.toString()), r.message());
                assertEquals(0, trainer.globalStep(), file.toString());
            }
            assertArrayEquals(before, Files.readAllBytes(file), "the file is left for inspection: " + file);
        }
        String name = "transformer.h.0.attn.c_attn.weight";
        assertArrayEquals(reference.require(name).toFloats(),
                trainOneStepFrom(bad.get(3)).require(name).toFloats(), 0f,
                "a file that failed on its last tensor leaves no moment of its earlier ones behind");
    }

    /** Trains a fresh model one step after restoring {@code state} (null: none) and returns its weights. */
    private ParameterSet trainOneStepFrom(Path state) {
        try (GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu());
                Trainer trainer = new Trainer(model, CONFIG.withSteps(1))) {
            if (state != null) {
                trainer.restoreOptimizer(state);
            }
            trainer.train(PAGES, TrainingListener.NONE);
            return model.parameters();
        }
    }

    private static void trainAndSave(GptConfig config, Path file) throws Exception {
        try (GptModel model = GptModel.create(config, 1, Device.cpu()); Trainer trainer = new Trainer(model, CONFIG)) {
            trainer.train(PAGES, TrainingListener.NONE);
            trainer.saveOptimizer(file);
        }
    }

    private Path write(String name, byte[] bytes) throws Exception {
        Path p = tmp.resolve(name + ".safetensors");
        Files.write(p, bytes);
        return p;
    }

    private Path rewrite(ParameterSet saved, String name, String tensor, UnaryOperator<NamedTensor> change)
            throws Exception {
        ParameterSet.Builder b = ParameterSet.builder().putAllMetadata(saved.metadata());
        for (NamedTensor t : saved) {
            b.add(t.name().equals(tensor) ? change.apply(t) : t);
        }
        Path p = tmp.resolve(name + ".safetensors");
        new SafetensorsWriter().write(b.build(), p);
        return p;
    }

    private Path withMetadata(ParameterSet saved, String name, String key, String value) throws Exception {
        Path p = tmp.resolve(name + ".safetensors");
        new SafetensorsWriter().write(saved.toBuilder().putMetadata(key, value).build(), p);
        return p;
    }

    private static NamedTensor withValue(NamedTensor t, float value) {
        float[] v = t.toFloats();
        v[v.length - 1] = value;
        return NamedTensor.ofFloats(t.name(), t.shape(), v);
    }
}
