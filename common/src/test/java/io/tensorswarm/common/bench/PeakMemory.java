package io.tensorswarm.common.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The benches' memory probe. */
public final class PeakMemory {
    private PeakMemory() {}

    /**
     * Returns this process's peak resident set in MiB ({@code VmHWM}: native memory, libtorch's included,
     * and the JVM heap), or NaN where {@code /proc} has no such line.
     */
    public static double residentMib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024.0;
            }
        }
        return Double.NaN;
    }
}
