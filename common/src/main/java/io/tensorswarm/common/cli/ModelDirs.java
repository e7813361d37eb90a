package io.tensorswarm.common.cli;

import io.tensorswarm.common.model.ModelDirectory;
import java.nio.file.Files;
import java.nio.file.Path;

/** Checks a {@code --model} directory before anything is loaded, so the error names the flag. */
public final class ModelDirs {
    private ModelDirs() {}

    /**
     * Returns {@code dir} when it holds a config and weights.
     *
     * @throws ExitException naming what is missing
     */
    public static Path require(Path dir) {
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
}
