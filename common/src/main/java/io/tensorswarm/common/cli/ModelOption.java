package io.tensorswarm.common.cli;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --model <dir>} option: a base model directory, checked before anything is loaded. */
public final class ModelOption {
    @Option(
            names = "--model",
            required = true,
            paramLabel = "<dir>",
            description = "Base model directory (config.json + model.safetensors).")
    Path dir;

    /**
     * Returns the directory when it holds a config and weights.
     *
     * @throws ExitException naming what is missing, so the error points at the flag
     */
    public Path dir() {
        if (!Files.isDirectory(dir)) {
            throw new ExitException(ExitCodes.FAILURE, "--model " + dir + " is not a directory");
        }
        for (String f : new String[] {ModelDirectory.CONFIG_FILE, ModelDirectory.WEIGHTS_FILE}) {
            if (!Files.isRegularFile(dir.resolve(f))) {
                throw new ExitException(ExitCodes.FAILURE, "--model " + dir + " has no " + f);
            }
        }
        return dir;
    }

    /** Returns the model's revision: the SHA-256 (hex) of its {@code model.safetensors}. */
    public String revision() {
        return Sha256.ofFile(dir().resolve(ModelDirectory.WEIGHTS_FILE));
    }
}
