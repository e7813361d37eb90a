package io.tensorswarm.common.train;

/**
 * The durations of a run's recent steps, and from them how long the next one is expected to take:
 * the longest of the last {@value #WINDOW}. The longest rather than the mean, so a run stopping for a
 * deadline does not overrun it on a step slower than average; the recent ones only, so the slow
 * first step (allocations, warm caches) does not hold back the rest of the run.
 */
final class StepTimes {
    static final int WINDOW = 3;

    private final long[] recent = new long[WINDOW];
    private int count;

    /** Records a finished step's duration. */
    void add(long nanos) {
        recent[count % WINDOW] = Math.max(0, nanos);
        count++;
    }

    /** Returns the expected duration of the next step, 0 before any step has finished. */
    long expectedNanos() {
        long longest = 0;
        for (int i = 0; i < Math.min(count, WINDOW); i++) {
            longest = Math.max(longest, recent[i]);
        }
        return longest;
    }
}
