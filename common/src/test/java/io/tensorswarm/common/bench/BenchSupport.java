package io.tensorswarm.common.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** Timing, Markdown tables and baseline-script lookup shared by the {@code *Bench} mains. */
final class BenchSupport {
    static final Path PYTHON = Path.of("/usr/bin/python3");

    private BenchSupport() {}

    /** A timed action that may throw. */
    @FunctionalInterface
    interface Action {
        void run() throws Exception;
    }

    /** Runs {@code action} once to warm up, then {@code repeats} times; returns the best seconds. */
    static double bestSeconds(int repeats, Action action) throws Exception {
        action.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < repeats; i++) {
            long t0 = System.nanoTime();
            action.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e9);
        }
        return best;
    }

    static String fmt(double v) {
        return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
    }

    /** Returns the path of a repository script, looking in the working directory and its parent. */
    static Optional<Path> script(String relative) {
        String root = System.getProperty("tensorswarm.root");
        List<Path> candidates = new ArrayList<>();
        if (root != null) {
            candidates.add(Path.of(root, relative));
        }
        candidates.add(Path.of(relative));
        candidates.add(Path.of("..", relative));
        return candidates.stream().filter(Files::isRegularFile).findFirst();
    }

    /** Runs {@code /usr/bin/python3 script args...} and returns its stdout, or empty when it fails. */
    static Optional<String> runPython(Path script, long timeoutMinutes, String... args) {
        if (!Files.isExecutable(PYTHON)) {
            return Optional.empty();
        }
        List<String> cmd = new ArrayList<>(List.of(PYTHON.toString(), script.toString()));
        cmd.addAll(List.of(args));
        try {
            Path err = Files.createTempFile("bench-python", ".err");
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            boolean done = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
            String stderr = Files.readString(err);
            Files.deleteIfExists(err);
            if (!done || p.exitValue() != 0) {
                p.destroyForcibly();
                System.err.println("baseline " + script + " failed: " + stderr.strip());
                return Optional.empty();
            }
            return Optional.of(out);
        } catch (IOException e) {
            System.err.println("baseline " + script + " could not run: " + e.getMessage());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /** Prints one line describing the machine and JVM, for the results table's caption. */
    static void printEnvironment() {
        Runtime rt = Runtime.getRuntime();
        System.out.printf(Locale.ROOT, "JVM %s, %d cores, max heap %d MiB, load average %.2f%n%n",
                System.getProperty("java.version"), rt.availableProcessors(), rt.maxMemory() >> 20,
                java.lang.management.ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
}
