package io.tensorswarm.common.opsfiles;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/** Paths of the operations files under test, and a runner for the commands that exercise them. */
final class OpsFiles {
    /** The repository root (surefire runs in {@code common/}). */
    static final Path ROOT = Path.of(System.getProperty("user.dir")).toAbsolutePath().getParent();
    static final Path OPS = ROOT.resolve("scripts/ops");
    static final Path SYSTEMD = OPS.resolve("systemd");
    static final Path ENV_EXAMPLE = ROOT.resolve(".env.example");

    private OpsFiles() {}

    /** A finished command: exit status and its stdout and stderr interleaved. */
    record Result(int exit, String output) {
        String describe() {
            return "exit " + exit + ", output:\n" + output;
        }
    }

    /**
     * Runs {@code command} in {@code dir} with {@code env} added to this JVM's environment; kills it and
     * fails when it outlives {@code timeout}.
     */
    static Result run(List<String> command, Path dir, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile("opsfiles", ".out");
        try {
            Process p = start(command, dir, env, out);
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
                throw new AssertionError(command + " still running after " + timeout + ":\n" + read(out));
            }
            return new Result(p.exitValue(), read(out));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /** Starts {@code command} with stdout and stderr going to {@code out}. */
    static Process start(List<String> command, Path dir, Map<String, String> env, Path out) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    /** The absolute path of {@code program} on PATH, or null. */
    static Path onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            Path p = Path.of(dir.isEmpty() ? "." : dir, program);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /** Skips the test, with a NOTICE on stderr saying why, unless {@code condition} holds. */
    static void requireOrSkip(boolean condition, String test, String why) {
        if (!condition) {
            System.err.println("NOTICE: " + test + " skipped: " + why);
        }
        Assumptions.assumeTrue(condition, why);
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    /** Writes an executable bash script. */
    static Path script(Path file, String body) throws IOException {
        write(file, "#!/usr/bin/env bash\n" + body);
        if (!file.toFile().setExecutable(true)) {
            throw new IOException("cannot make " + file + " executable");
        }
        return file;
    }
}
