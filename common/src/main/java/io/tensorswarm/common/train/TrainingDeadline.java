package io.tensorswarm.common.train;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * When a {@link Trainer#train} call must have finished: before each step after the first, the trainer
 * asks whether a step as long as its recent ones still ends by the deadline, and stops when it would
 * not. The first step always runs (a run makes at least one update). Immutable.
 *
 * <pre>{@code
 * trainer.train(pages, listener, TrainingDeadline.in(Duration.ofMinutes(3)));
 * trainer.train(pages, listener, TrainingDeadline.atEpochMillis(job.trainUntil().toEpochMilli()));
 * }</pre>
 */
public final class TrainingDeadline {
    /** No deadline: only the config's step count ends the run. */
    public static final TrainingDeadline NONE = new TrainingDeadline(Long.MAX_VALUE, System::nanoTime, false);

    private final long deadlineNanos;
    private final LongSupplier nanoClock;
    private final boolean bounded;

    private TrainingDeadline(long deadlineNanos, LongSupplier nanoClock, boolean bounded) {
        this.deadlineNanos = deadlineNanos;
        this.nanoClock = nanoClock;
        this.bounded = bounded;
    }

    /** Returns the deadline {@code budget} from now. */
    public static TrainingDeadline in(Duration budget) {
        return at(System.nanoTime() + budget.toNanos(), System::nanoTime);
    }

    /** Returns the deadline at wall-clock time {@code epochMillis} (another process may have chosen it). */
    public static TrainingDeadline atEpochMillis(long epochMillis) {
        return in(Duration.ofMillis(epochMillis - System.currentTimeMillis()));
    }

    /** Returns the deadline at {@code deadlineNanos} on {@code nanoClock} (tests: a clock they move). */
    static TrainingDeadline at(long deadlineNanos, LongSupplier nanoClock) {
        return new TrainingDeadline(deadlineNanos, nanoClock, true);
    }

    /** Returns whether a time limit applies at all. */
    public boolean bounded() {
        return bounded;
    }

    /** Returns the time left, negative once the deadline has passed; {@code Long.MAX_VALUE} without one. */
    public long nanosLeft() {
        return bounded ? deadlineNanos - nanoClock.getAsLong() : Long.MAX_VALUE;
    }

    /** Returns whether a step of {@code stepNanos} started now would end by the deadline. */
    public boolean leavesRoomFor(long stepNanos) {
        return !bounded || stepNanos <= nanosLeft();
    }

    /** Returns the current time on this deadline's clock. */
    long now() {
        return nanoClock.getAsLong();
    }
}
