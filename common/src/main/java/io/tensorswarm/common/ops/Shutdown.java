package io.tensorswarm.common.ops;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A cooperative stop with a bounded grace period. On SIGTERM (or Ctrl-C) the JVM's shutdown hook marks
 * the stop as requested, runs the registered actions (e.g. stopping a training worker) and waits up to
 * the grace period for the daemon's loop to call {@link #finished()}; then the JVM exits. Loops check
 * {@link #requested()} at safe points (between steps, before a publish) and sleep through
 * {@link #sleep(Duration)}, which wakes at once when a stop is requested. State files are written
 * atomically everywhere, so an abandoned step leaves the last complete state behind.
 */
public final class Shutdown implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Shutdown.class);

    private final Duration grace;
    private final CountDownLatch requested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private final List<Runnable> onRequest = new CopyOnWriteArrayList<>();
    private volatile Thread hook;

    private Shutdown(Duration grace) {
        if (grace.isNegative()) {
            throw new IllegalArgumentException("grace must not be negative: " + grace);
        }
        this.grace = grace;
    }

    /** A stop that only {@link #request()} triggers (tests, embedded loops). */
    public static Shutdown manual(Duration grace) {
        return new Shutdown(grace);
    }

    /** A stop triggered by SIGTERM/SIGINT through a JVM shutdown hook; close it when the loop ends normally. */
    public static Shutdown onSignals(Duration grace) {
        Shutdown shutdown = new Shutdown(grace);
        Thread t = new Thread(shutdown::hook, "shutdown");
        shutdown.hook = t;
        Runtime.getRuntime().addShutdownHook(t);
        return shutdown;
    }

    public Duration grace() {
        return grace;
    }

    /** Whether a stop was requested; loops return at their next safe point when it was. */
    public boolean requested() {
        return requested.getCount() == 0;
    }

    /** Requests the stop and runs the registered actions (once). */
    public void request() {
        synchronized (this) {
            if (requested()) {
                return;
            }
            requested.countDown();
        }
        for (Runnable action : onRequest) {
            try {
                action.run();
            } catch (RuntimeException e) {
                log.warn("shutdown action failed: {}", e.toString());
            }
        }
    }

    /** Runs {@code action} when a stop is requested (at once if it already was). */
    public void onRequest(Runnable action) {
        onRequest.add(action);
        if (requested()) {
            action.run();
        }
    }

    /**
     * Sleeps up to {@code duration}, returning early when a stop is requested.
     *
     * @return true when the stop was requested
     */
    public boolean sleep(Duration duration) throws InterruptedException {
        return requested.await(Math.max(0, duration.toMillis()), TimeUnit.MILLISECONDS);
    }

    /** The daemon's loop calls this when it has returned; the shutdown hook then lets the JVM exit. */
    public void finished() {
        finished.countDown();
    }

    /** Waits up to the grace period for {@link #finished()}; true when the loop finished in time. */
    public boolean awaitFinished() throws InterruptedException {
        return finished.await(grace.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void hook() {
        long start = System.nanoTime();
        log.info("stop requested; finishing the current step (grace {} s)", grace.toSeconds());
        request();
        try {
            if (awaitFinished()) {
                log.info("stopped cleanly in {} ms", (System.nanoTime() - start) / 1_000_000);
            } else {
                log.warn("grace period of {} s ran out; abandoning the current step (state on disk is the last complete one)",
                        grace.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Marks the loop finished and removes the signal hook when the daemon ends on its own. */
    @Override
    public void close() {
        finished();
        Thread t = hook;
        if (t != null && !requested()) {
            try {
                Runtime.getRuntime().removeShutdownHook(t);
            } catch (IllegalStateException alreadyShuttingDown) {
                // the JVM is exiting; the hook sees finished() and returns at once
            }
        }
    }
}
