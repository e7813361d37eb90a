package io.tensorswarm.miner.run;

import io.tensorswarm.common.train.TrainingListener.StepMetrics;
import io.tensorswarm.miner.worker.WorkerProtocol;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;

/**
 * What a {@link TrainingRunner} is told while it trains one round, and where it reports: whether the
 * round's deadline has passed, whether the daemon was asked to stop, and a {@link WorkerProtocol.Sink}
 * for step progress and the final summary. A runner that starts something it can abort registers the
 * abort with {@link #onStop}; the daemon calls {@link #stop()} from its shutdown thread.
 *
 * <p>Thread-safe: {@link #stop()} comes from another thread than the runner's.
 */
public final class TrainingWatch implements WorkerProtocol.Sink {
    /** Undoes an {@link #onStop} registration. */
    public interface Registration extends AutoCloseable {
        @Override
        void close();
    }

    private static final WorkerProtocol.Sink IGNORE = new WorkerProtocol.Sink() {
        @Override
        public void step(StepMetrics metrics) {}

        @Override
        public void finished(WorkerProtocol.Summary summary) {}
    };

    private final long round;
    private final BooleanSupplier pastDeadline;
    private final BooleanSupplier stopRequested;
    private final WorkerProtocol.Sink sink;
    private final AtomicReference<Runnable> stopAction = new AtomicReference<>();

    /**
     * Creates the watch of {@code round}.
     *
     * @param pastDeadline true once the round's deadline block is reached
     * @param stopRequested true once the daemon was asked to stop
     * @param sink receives progress (on the runner's or a reader thread)
     */
    public TrainingWatch(long round, BooleanSupplier pastDeadline, BooleanSupplier stopRequested,
            WorkerProtocol.Sink sink) {
        this.round = round;
        this.pastDeadline = Objects.requireNonNull(pastDeadline, "pastDeadline");
        this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /** A watch with a deadline only: never stopped, progress ignored (tests, tools). */
    public static TrainingWatch untilDeadline(long round, BooleanSupplier pastDeadline) {
        return new TrainingWatch(round, pastDeadline, () -> false, IGNORE);
    }

    public long round() {
        return round;
    }

    /** {@code r=<round>}, to start log messages with. */
    public String logPrefix() {
        return "r=" + round;
    }

    public boolean pastDeadline() {
        return pastDeadline.getAsBoolean();
    }

    public boolean stopRequested() {
        return stopRequested.getAsBoolean();
    }

    @Override
    public void step(StepMetrics metrics) {
        sink.step(metrics);
    }

    @Override
    public void finished(WorkerProtocol.Summary summary) {
        sink.finished(summary);
    }

    /**
     * Runs {@code abort} if a stop comes while the registration is open, or at once when one was
     * already requested. One registration at a time.
     */
    public Registration onStop(Runnable abort) {
        Objects.requireNonNull(abort, "abort");
        stopAction.set(abort);
        if (stopRequested()) {
            abort.run();
        }
        return () -> stopAction.compareAndSet(abort, null);
    }

    /** Called when the daemon is asked to stop: runs the registered abort, if any. */
    public void stop() {
        Runnable abort = stopAction.get();
        if (abort != null) {
            abort.run();
        }
    }
}
