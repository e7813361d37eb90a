package io.tensorswarm.gym.net;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One run of a miner CLI command as a child process: its stderr (the logs) goes to the gym's own,
 * its stdout is kept for the JSON line. Children still running when the gym stops are killed.
 */
public final class ChildProcess {
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> RUNNING.forEach(Process::destroy), "gym-children"));
    }

    private final Process process;
    private final List<String> stdout = Collections.synchronizedList(new ArrayList<>());
    private final Thread reader;

    private ChildProcess(Process process) {
        this.process = process;
        RUNNING.add(process);
        this.reader = new Thread(this::readStdout, "child-stdout-" + process.pid());
        reader.setDaemon(true);
        reader.start();
    }

    /**
     * Starts {@code command}.
     *
     * @throws UncheckedIOException when it cannot be started
     */
    public static ChildProcess start(List<String> command) {
        try {
            return new ChildProcess(new ProcessBuilder(command).redirectErrorStream(false)
                    .redirectError(ProcessBuilder.Redirect.INHERIT).redirectInput(ProcessBuilder.Redirect.from(
                            new java.io.File("/dev/null"))).start());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
    }

    private void readStdout() {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                stdout.add(line);
            }
        } catch (IOException e) {
            // the child is gone
        }
    }

    /**
     * Waits for the child to exit, polling every {@code pollMillis}; kills it once {@code giveUp}
     * says so (exit code -1 then).
     */
    public int await(BooleanSupplier giveUp, long pollMillis) throws InterruptedException {
        try {
            while (!process.waitFor(pollMillis, TimeUnit.MILLISECONDS)) {
                if (giveUp.getAsBoolean()) {
                    process.destroy();
                    if (!process.waitFor(10, TimeUnit.SECONDS)) {
                        process.destroyForcibly();
                    }
                    return -1;
                }
            }
            reader.join(5_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            process.destroy();
            throw e;
        } finally {
            RUNNING.remove(process);
        }
    }

    /** Returns whether the child is still running. */
    public boolean isAlive() {
        return process.isAlive();
    }

    /** Returns the stdout lines read so far. */
    public List<String> stdout() {
        synchronized (stdout) {
            return List.copyOf(stdout);
        }
    }
}
