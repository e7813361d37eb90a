package io.tensorswarm.miner.run;

import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.miner.worker.TrainWorker;
import io.tensorswarm.miner.worker.WorkerProtocol;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains in a supervised child JVM running {@link TrainWorker} (the "meta miner"): a worker that
 * crashes or is OOM-killed is restarted with exponential backoff, at most {@code maxAttempts} starts
 * per round; a worker still running when the deadline passes, or when the daemon is asked to stop,
 * is killed at once. A worker that reports a failure a restart cannot fix (bad arguments, diverged
 * training) is not restarted.
 *
 * <p>The worker's stdout carries {@link WorkerProtocol} lines (steps, summary), which are passed to
 * the {@link TrainingWatch}; other stdout lines are copied to this JVM's stderr, where the worker's
 * logs go directly. The worker's stdin is a pipe it watches: if this JVM dies, even by {@code kill
 * -9}, the worker stops too.
 *
 * @param javaCommand the {@code java} executable
 * @param classPath the class path the child runs with
 * @param jvmArgs extra JVM options (for example {@code -Xmx8g})
 * @param environment extra environment variables for the child
 * @param maxAttempts worker starts per round, at least 1
 * @param backoffBase wait before the first restart; doubled for each further one
 * @param backoffMax the longest wait between restarts
 * @param pollInterval how often a running worker and the deadline are checked
 * @param sleeper waits between restarts
 */
public record ChildProcessRunner(
        String javaCommand,
        String classPath,
        List<String> jvmArgs,
        Map<String, String> environment,
        int maxAttempts,
        Duration backoffBase,
        Duration backoffMax,
        Duration pollInterval,
        Sleeper sleeper) implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(ChildProcessRunner.class);

    /** Validates and copies the settings. */
    public ChildProcessRunner {
        jvmArgs = List.copyOf(jvmArgs);
        environment = Map.copyOf(environment);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
    }

    /** Returns a runner using this JVM's {@code java} and class path. */
    public static ChildProcessRunner forCurrentJvm(List<String> jvmArgs, Map<String, String> environment,
            int maxAttempts, Duration backoffBase, Sleeper sleeper) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        return new ChildProcessRunner(java, System.getProperty("java.class.path"), jvmArgs, environment,
                maxAttempts, backoffBase, Duration.ofMinutes(2), Duration.ofMillis(200), sleeper);
    }

    @Override
    public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
        String prefix = watch.logPrefix();
        long backoff = backoffBase.toMillis();
        for (int attempt = 1; attempt <= maxAttempts; attempt++) {
            if (watch.stopRequested()) {
                return TrainingOutcome.STOPPED;
            }
            if (watch.pastDeadline()) {
                return TrainingOutcome.DEADLINE;
            }
            deleteIfExists(job.out());
            Process process;
            try {
                process = start(job);
            } catch (IOException e) {
                // Forking can fail for a moment (EAGAIN, ENOMEM under memory pressure): retry like a crash.
                if (attempt == maxAttempts) {
                    throw new UncheckedIOException("cannot start the training worker " + javaCommand + ": "
                            + e.getMessage(), e);
                }
                log.warn("{} cannot start the training worker ({}); retrying in {} ms ({}/{})", prefix, e.getMessage(),
                        backoff, attempt + 1, maxAttempts);
                if (!pause(backoff)) {
                    return TrainingOutcome.FAILED;
                }
                backoff = Math.min(backoff * 2, backoffMax.toMillis());
                continue;
            }
            log.info("{} training worker started (pid {}, attempt {}/{})", prefix, process.pid(), attempt, maxAttempts);
            Thread reader = readReports(process, watch);
            Integer exit;
            try (TrainingWatch.Registration stop = watch.onStop(() -> kill(process))) {
                exit = awaitExit(process, watch);
            } finally {
                closeQuietly(process);
            }
            joinQuietly(reader);
            if (watch.stopRequested()) {
                log.info("{} stop requested; the training worker (pid {}) was stopped and its work discarded", prefix,
                        process.pid());
                deleteIfExists(job.out());
                return TrainingOutcome.STOPPED;
            }
            if (exit == null) {
                log.warn("{} deadline reached; killed the training worker (pid {})", prefix, process.pid());
                deleteIfExists(job.out());
                return TrainingOutcome.DEADLINE;
            }
            if (exit == 0 && Files.isRegularFile(job.out())) {
                return TrainingOutcome.DONE;
            }
            if (exit == TrainWorker.EXIT_FAILED || exit == TrainWorker.EXIT_USAGE) {
                log.warn("{} training worker failed (exit {}); not restarting it this round", prefix, exit);
                return TrainingOutcome.FAILED;
            }
            if (attempt < maxAttempts) {
                log.warn("{} training worker died (exit {}); restarting in {} ms ({}/{})", prefix, exit, backoff,
                        attempt + 1, maxAttempts);
                if (!pause(backoff)) {
                    return TrainingOutcome.FAILED;
                }
                backoff = Math.min(backoff * 2, backoffMax.toMillis());
            } else {
                log.warn("{} training worker died (exit {}); giving up after {} attempts this round", prefix, exit,
                        maxAttempts);
            }
        }
        return TrainingOutcome.FAILED;
    }

    /** Waits {@code millis} between attempts; returns false when interrupted (the flag is kept). */
    private boolean pause(long millis) {
        try {
            sleeper.sleep(millis);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private Process start(TrainJob job) throws IOException {
        List<String> command = new ArrayList<>();
        command.add(javaCommand);
        command.addAll(jvmArgs);
        command.add("-cp");
        command.add(classPath);
        command.add(TrainWorker.class.getName());
        command.addAll(job.toArgs());
        ProcessBuilder builder = new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.PIPE)
                .redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        builder.environment().put(TrainWorker.SUPERVISED_ENV, "1");
        return builder.start();
    }

    /** Starts a thread passing the worker's protocol lines to {@code sink} and copying other lines to stderr. */
    private static Thread readReports(Process process, WorkerProtocol.Sink sink) {
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(
                    new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    if (!WorkerProtocol.dispatch(line, sink)) {
                        System.err.println(line);
                    }
                }
            } catch (IOException | RuntimeException e) {
                log.debug("stopped reading the training worker's reports: {}", e.toString());
            }
        }, "train-worker-" + process.pid());
        reader.setDaemon(true);
        reader.start();
        return reader;
    }

    /**
     * Returns the exit code, or {@code null} when the deadline came first and the worker was killed.
     * A stop request kills the worker too (through {@link TrainingWatch#onStop}, or here at the next poll).
     */
    private Integer awaitExit(Process process, TrainingWatch watch) {
        try {
            while (!process.waitFor(pollInterval.toMillis(), TimeUnit.MILLISECONDS)) {
                if (watch.stopRequested()) {
                    kill(process);
                } else if (watch.pastDeadline()) {
                    kill(process);
                    return null;
                }
            }
            return process.exitValue();
        } catch (InterruptedException e) {
            kill(process);
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private static void kill(Process process) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
        try {
            process.waitFor(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Process process) {
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // the worker is gone already
        }
    }

    private static void joinQuietly(Thread reader) {
        try {
            reader.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + file, e);
        }
    }
}
