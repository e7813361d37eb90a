package io.tensorswarm.common.model;

import ai.djl.Device;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Saves and loads a model as a Hugging Face model directory: {@code config.json} plus
 * {@code model.safetensors} (F32, {@code __metadata__ {"format":"pt"}}, {@code transformer.}-prefixed
 * names, no {@code lm_head.weight}, as {@code save_pretrained} writes them). Such a directory loads
 * with {@code transformers.GPT2LMHeadModel.from_pretrained(dir)}.
 *
 * <p>Each file is replaced atomically (temporary sibling, then rename); weights are written before
 * the config, so a crash leaves either the old pair, or new weights next to an old config of the
 * same shape (a shape change is then reported by {@link #load} as a {@link ModelWeightsException}).
 *
 * <pre>{@code
 * ModelDirectory.save(model, Path.of("models/base"));
 * try (GptModel again = ModelDirectory.load(Path.of("models/base"), Device.cpu())) { ... }
 * }</pre>
 */
public final class ModelDirectory {
    /** The config file name. */
    public static final String CONFIG_FILE = "config.json";
    /** The weights file name. */
    public static final String WEIGHTS_FILE = "model.safetensors";

    private ModelDirectory() {}

    /**
     * Writes {@code model}'s config and weights into {@code dir}, creating it if needed.
     *
     * @throws ModelWeightsException when a file cannot be written; names the file
     */
    public static void save(GptModel model, Path dir) {
        ParameterSet weights = model.parameters().toBuilder().putMetadata("format", "pt").build();
        Path weightsFile = dir.resolve(WEIGHTS_FILE);
        try {
            Files.createDirectories(dir);
            new SafetensorsWriter().write(weights, weightsFile);
        } catch (IOException e) {
            throw new ModelWeightsException("cannot write " + weightsFile + ": " + e.getMessage(), e);
        }
        Path configFile = dir.resolve(CONFIG_FILE);
        Path tmp = dir.resolve(CONFIG_FILE + ".tmp");
        try {
            Files.writeString(tmp, model.config().toJson(), StandardCharsets.UTF_8);
            Files.move(tmp, configFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new ModelWeightsException("cannot write " + configFile + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns the config stored in {@code dir}.
     *
     * @throws ModelConfigException when {@code config.json} is missing or invalid
     */
    public static GptConfig readConfig(Path dir) {
        return GptConfig.read(dir.resolve(CONFIG_FILE));
    }

    /**
     * Returns the weights stored in {@code dir}, as written (names, dtypes and metadata unchanged).
     *
     * @throws ModelWeightsException when {@code model.safetensors} cannot be read
     * @throws io.tensorswarm.common.safetensors.SafetensorsException when it is malformed
     */
    public static ParameterSet readWeights(Path dir) {
        Path file = dir.resolve(WEIGHTS_FILE);
        try {
            return new SafetensorsReader().read(file);
        } catch (IOException e) {
            throw new ModelWeightsException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Returns a model loaded from {@code dir} onto {@code device}. Accepts the original Hub layout
     * (bare names, {@code attn.bias} buffers, F16/BF16); see {@link GptModel#loadParameters}.
     *
     * @throws ModelConfigException when the config is missing or invalid
     * @throws ModelWeightsException when the weights are missing, unreadable or do not fit the
     *     config; names the file and tensor
     */
    public static GptModel load(Path dir, Device device) {
        GptConfig config = readConfig(dir);
        ParameterSet weights = readWeights(dir);
        try {
            return GptModel.fromParameters(config, weights, device);
        } catch (ModelWeightsException e) {
            throw new ModelWeightsException(dir.resolve(WEIGHTS_FILE) + ": " + e.getMessage(), e);
        }
    }
}
