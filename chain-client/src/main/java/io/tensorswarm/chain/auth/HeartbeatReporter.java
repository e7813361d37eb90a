package io.tensorswarm.chain.auth;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a daemon's heartbeats to the orchestrator without ever disturbing the daemon: it never
 * throws, waits at most the {@link OrchestratorClient}'s timeout per heartbeat, and tries a down
 * orchestrator at most once per interval, so an outage costs a loop at most one timeout per
 * interval. Each failed heartbeat runs {@code onFailure} (daemons count {@code
 * tensorswarm_errors_total{kind="orchestrator"}}) and is logged: the first of an outage at WARN, the
 * next ones at DEBUG, the recovery at INFO.
 *
 * <ul>
 *   <li>{@link #send} is for events (start-up, a finished round): sent at once, unless the last
 *       heartbeat failed less than an interval ago;
 *   <li>{@link #sendIfDue} is for waits and long steps: sent when an interval has passed since the
 *       last heartbeat (sent or failed).
 * </ul>
 *
 * <p>Safe for concurrent use; a heartbeat asked for while another is in flight is skipped, never
 * queued. {@link #close()} closes the client; later calls send nothing.
 *
 * <pre>{@code
 * try (HeartbeatReporter heartbeats = new HeartbeatReporter(new OrchestratorClient(url, hotkey, netuid),
 *         HeartbeatReporter.DEFAULT_INTERVAL, HeartbeatReporter::monotonicMillis, () -> metrics.error("orchestrator"))) {
 *     heartbeats.send(HeartbeatStats.of("miner", "starting"));
 *     while (waiting) {
 *         heartbeats.sendIfDue(() -> HeartbeatStats.of("miner", "waiting for round " + next));
 *         shutdown.sleep(poll);
 *     }
 * }
 * }</pre>
 */
public final class HeartbeatReporter implements AutoCloseable {
    /** The default time between two heartbeats while a daemon waits. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);

    private static final Logger log = LoggerFactory.getLogger(HeartbeatReporter.class);

    private final OrchestratorClient client;
    private final long intervalMillis;
    private final LongSupplier nowMillis;
    private final Runnable onFailure;
    private final ReentrantLock inFlight = new ReentrantLock();
    private volatile boolean closed;
    private boolean attempted;
    private long lastAttemptMillis;
    private boolean lastFailed;
    private long sent;
    private long failed;

    /**
     * Creates a reporter.
     *
     * @param client where heartbeats go; closed by {@link #close()}
     * @param interval the time between heartbeats while waiting, and between tries of a down orchestrator
     * @param nowMillis a clock in milliseconds (any origin; {@link #monotonicMillis()} in daemons)
     * @param onFailure run after each failed heartbeat (on the sending thread); must not throw
     */
    public HeartbeatReporter(OrchestratorClient client, Duration interval, LongSupplier nowMillis, Runnable onFailure) {
        this.client = Objects.requireNonNull(client, "client");
        this.intervalMillis = Objects.requireNonNull(interval, "interval").toMillis();
        this.nowMillis = Objects.requireNonNull(nowMillis, "nowMillis");
        this.onFailure = Objects.requireNonNull(onFailure, "onFailure");
        if (intervalMillis <= 0) {
            throw new IllegalArgumentException("interval must be positive, got " + interval);
        }
    }

    private HeartbeatReporter() {
        this.client = null;
        this.intervalMillis = Long.MAX_VALUE;
        this.nowMillis = () -> 0;
        this.onFailure = () -> { };
    }

    /** Returns a reporter that sends nothing (no orchestrator configured). */
    public static HeartbeatReporter off() {
        return new HeartbeatReporter();
    }

    /** Returns milliseconds of {@link System#nanoTime()}: a clock that never jumps. */
    public static long monotonicMillis() {
        return System.nanoTime() / 1_000_000;
    }

    /** Returns whether heartbeats go anywhere. */
    public boolean enabled() {
        return client != null;
    }

    /** Returns the orchestrator's URL as logs show it (no credentials), or null when {@link #off()}. */
    public String target() {
        return client == null ? null : client.shownUrl();
    }

    /**
     * Sends {@code stats} now, unless the last heartbeat failed less than an interval ago or another
     * is in flight. Never throws.
     *
     * @return true when the orchestrator accepted the heartbeat
     */
    public boolean send(HeartbeatStats stats) {
        return attempt(() -> stats, true);
    }

    /**
     * Sends the stats {@code stats} returns when an interval has passed since the last heartbeat (or
     * none was sent yet); otherwise does nothing and does not call {@code stats}. Never throws.
     *
     * @return true when a heartbeat was sent and accepted
     */
    public boolean sendIfDue(Supplier<HeartbeatStats> stats) {
        return attempt(stats, false);
    }

    /** Returns how many heartbeats were accepted. */
    public synchronized long sent() {
        return sent;
    }

    /** Returns how many heartbeats failed. */
    public synchronized long failed() {
        return failed;
    }

    private boolean attempt(Supplier<HeartbeatStats> stats, boolean event) {
        if (client == null || closed || !inFlight.tryLock()) {
            return false;
        }
        try {
            long now = nowMillis.getAsLong();
            boolean intervalPassed;
            boolean wasDown;
            synchronized (this) {
                intervalPassed = !attempted || now - lastAttemptMillis >= intervalMillis;
                wasDown = lastFailed;
            }
            if (!(intervalPassed || (event && !wasDown))) {
                return false;
            }
            HeartbeatStats heartbeat;
            try {
                heartbeat = stats.get();
            } catch (RuntimeException e) {
                log.warn("cannot make a heartbeat: {}", e.toString());
                return false;
            }
            RuntimeException failure = null;
            try {
                client.heartbeat(heartbeat);
            } catch (RuntimeException e) {
                failure = e;
            }
            synchronized (this) {
                attempted = true;
                lastAttemptMillis = nowMillis.getAsLong();
                lastFailed = failure != null;
                if (failure == null) {
                    sent++;
                } else {
                    failed++;
                }
            }
            if (failure == null) {
                if (wasDown) {
                    log.info("the orchestrator {} accepts heartbeats again", client.shownUrl());
                } else {
                    log.debug("heartbeat sent to {}: {}", client.shownUrl(), heartbeat.status());
                }
                return true;
            }
            runQuietly(onFailure);
            String why = failure instanceof OrchestratorException ? failure.getMessage() : failure.toString();
            if (wasDown) {
                log.debug("heartbeat failed: {}", why);
            } else {
                log.warn("heartbeat failed: {}; trying again every {} s", why, intervalMillis / 1000);
            }
            return false;
        } finally {
            inFlight.unlock();
        }
    }

    private static void runQuietly(Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.debug("heartbeat failure callback failed: {}", e.toString());
        }
    }

    /** Stops sending and closes the client; a heartbeat in flight finishes. */
    @Override
    public void close() {
        closed = true;
        if (client != null) {
            client.close();
        }
    }
}
