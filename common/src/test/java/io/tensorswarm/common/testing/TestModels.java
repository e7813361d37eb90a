package io.tensorswarm.common.testing;

import ai.djl.Device;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Small real models and real English text for tests of the commands. */
public final class TestModels {
    private TestModels() {}

    /** A GPT-2-architecture config small enough to train in milliseconds: byte vocabulary, 16-token context. */
    public static GptConfig micro() {
        return new GptConfig(256, 16, 16, 1, 2, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true, null, null, Map.of());
    }

    /** Writes a freshly initialised micro model to {@code dir} and returns {@code dir}. */
    public static Path writeMicroModel(Path dir, long seed) {
        try (GptModel model = GptModel.create(micro(), seed, Device.cpu())) {
            ModelDirectory.save(model, dir);
        }
        return dir;
    }

    /** Copies the committed English sample (a few KB of real prose) to {@code file}. */
    public static Path writeEnglishSample(Path file) throws IOException {
        try (InputStream in = TestModels.class.getResourceAsStream("/data/english-sample.txt")) {
            if (in == null) {
                throw new IOException("test resource /data/english-sample.txt is missing");
            }
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.copy(in, file);
        }
        return file;
    }
}
