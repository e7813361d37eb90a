package io.tensorswarm.common.ops;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A daemon's health verdict for {@code GET /health}: healthy while running and making progress;
 * unhealthy when starting took too long, when no progress was seen for {@code stallAfter}, or while
 * stopping. Daemons report progress (a training step, a finished round, a scored miner) and may add
 * details such as the current round or the last error.
 */
public final class Health {
    /** Lifecycle of a daemon process. */
    public enum State {
        STARTING, RUNNING, STOPPING
    }

    /** The answer to a health check. */
    public record Verdict(boolean healthy, String status, Map<String, Object> fields) {
    }

    private final Clock clock;
    private final Duration stallAfter;
    private final Instant started;
    private final Map<String, Object> details = new ConcurrentHashMap<>();
    private volatile State state = State.STARTING;
    private volatile Instant lastProgress;

    public Health(Clock clock, Duration stallAfter) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (stallAfter.isNegative() || stallAfter.isZero()) {
            throw new IllegalArgumentException("stallAfter must be positive: " + stallAfter);
        }
        this.stallAfter = stallAfter;
        this.started = clock.instant();
        this.lastProgress = started;
    }

    public void running() {
        state = State.RUNNING;
        progress();
    }

    public void stopping() {
        state = State.STOPPING;
    }

    public State state() {
        return state;
    }

    public void progress() {
        lastProgress = clock.instant();
    }

    /** Adds or replaces a detail shown by {@code /health} (round, base revision, last error...). */
    public void detail(String key, Object value) {
        if (value == null) {
            details.remove(key);
        } else {
            details.put(key, value);
        }
    }

    public Verdict check() {
        Instant now = clock.instant();
        Duration idle = Duration.between(lastProgress, now);
        boolean stalled = idle.compareTo(stallAfter) > 0;
        String status = switch (state) {
            case STARTING -> stalled ? "start_stalled" : "starting";
            case RUNNING -> stalled ? "stalled" : "ok";
            case STOPPING -> "stopping";
        };
        boolean healthy = status.equals("ok") || status.equals("starting");
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("status", status);
        fields.put("uptime_s", Duration.between(started, now).toSeconds());
        fields.put("seconds_since_progress", idle.toSeconds());
        fields.put("stall_after_s", stallAfter.toSeconds());
        fields.putAll(new java.util.TreeMap<>(details));
        return new Verdict(healthy, status, fields);
    }
}
