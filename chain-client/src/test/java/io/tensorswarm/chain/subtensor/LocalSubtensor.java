package io.tensorswarm.chain.subtensor;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Integration-test fixture: a real subtensor runtime under chopsticks, started with {@code
 * scripts/local-chain/start.sh} on a free loopback port from the chain spec (or wasm) named by
 * {@code TS_SUBTENSOR_RUNTIME} / {@code TS_SUBTENSOR_CHAINSPEC}, and stopped with SIGTERM.
 */
public final class LocalSubtensor implements AutoCloseable {
    private final Process process;
    private final int port;
    private final StringBuilder log = new StringBuilder();

    private LocalSubtensor(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Returns the runtime path from the environment, or null when integration tests must skip. */
    public static String configuredRuntime() {
        String runtime = System.getenv("TS_SUBTENSOR_RUNTIME");
        if (runtime == null || runtime.isBlank()) {
            runtime = System.getenv("TS_SUBTENSOR_CHAINSPEC");
        }
        return runtime == null || runtime.isBlank() ? null : runtime;
    }

    /** Starts the chain and waits until its RPC server listens (up to 10 minutes on a first npm install). */
    public static LocalSubtensor start() throws IOException, InterruptedException {
        Path script = repoRoot().resolve("scripts/local-chain/start.sh");
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Process p = new ProcessBuilder("bash", script.toString(), Integer.toString(port))
                .redirectErrorStream(true).start();
        LocalSubtensor chain = new LocalSubtensor(p, port);
        CountDownLatch ready = new CountDownLatch(1);
        Thread pump = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    synchronized (chain.log) {
                        chain.log.append(line).append('\n');
                    }
                    if (line.contains("RPC listening")) {
                        ready.countDown();
                    }
                }
            } catch (IOException ignored) {
                // process ended
            }
        }, "chopsticks-log");
        pump.setDaemon(true);
        pump.start();
        while (!ready.await(1, TimeUnit.SECONDS)) {
            if (!p.isAlive()) {
                throw new IllegalStateException("chopsticks exited with " + p.exitValue() + ":\n" + chain.log());
            }
        }
        return chain;
    }

    private static Path repoRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve("scripts/local-chain/start.sh"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("cannot find scripts/local-chain/start.sh above " + Path.of("").toAbsolutePath());
        }
        return dir;
    }

    public String url() {
        return "ws://127.0.0.1:" + port;
    }

    public String log() {
        synchronized (log) {
            return log.toString();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }
}
