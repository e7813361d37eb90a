package io.tensorswarm.orchestrator.bench;

import java.util.Arrays;

/** Latencies of one kind of call during one phase, and how many answers were not the expected status. */
final class LatencyRecorder {
    private long[] micros = new long[1 << 16];
    private int count;
    private int failures;

    synchronized void record(long nanos, boolean ok) {
        if (count == micros.length) {
            micros = Arrays.copyOf(micros, count * 2);
        }
        micros[count++] = nanos / 1000;
        if (!ok) {
            failures++;
        }
    }

    synchronized int count() {
        return count;
    }

    synchronized int failures() {
        return failures;
    }

    /** Returns the {@code q} quantile in milliseconds (nearest rank), or NaN without samples. */
    synchronized double quantileMillis(double q) {
        if (count == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(micros, count);
        Arrays.sort(sorted);
        int rank = (int) Math.ceil(q * count) - 1;
        return sorted[Math.max(0, Math.min(count - 1, rank))] / 1000.0;
    }

    synchronized double maxMillis() {
        return quantileMillis(1.0);
    }
}
