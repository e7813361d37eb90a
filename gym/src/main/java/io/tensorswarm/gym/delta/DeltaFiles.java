package io.tensorswarm.gym.delta;

import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes the F32 delta file that {@code miner publish --delta} reads. */
public final class DeltaFiles {
    private DeltaFiles() {}

    /**
     * Writes {@code delta} (with the metadata {@link DeltaRecipes#labelled} gives it) to {@code file}
     * atomically and returns the file.
     */
    public static Path write(ParameterSet delta, Path file) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            new SafetensorsWriter().write(delta, file);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the delta " + file, e);
        }
    }
}
