package io.tensorswarm.miner.worker;

import io.tensorswarm.common.cli.UserFacingException;
import io.tensorswarm.common.model.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Main class of the child JVM that trains one round: {@code java -cp ... TrainWorker <TrainJob
 * args>}. Exits 0 after writing the delta file, {@link #EXIT_FAILED} when the job fails (one line on
 * stderr), {@link #EXIT_USAGE} on malformed arguments.
 *
 * <p>For tests of the supervisor, when the environment variable {@link #CRASH_ONCE_ENV} names a file
 * that does not exist yet, the worker creates it and exits with 137 (as if OOM-killed) before
 * training; the next start trains normally.
 */
public final class TrainWorker {
    /** Test-only: a marker file; its absence makes the worker crash once with exit code 137. */
    public static final String CRASH_ONCE_ENV = "TS_TEST_WORKER_CRASH_ONCE";
    /** Exit code of a job that failed for a reason a restart will not fix. */
    public static final int EXIT_FAILED = 3;
    /** Exit code of malformed arguments. */
    public static final int EXIT_USAGE = 2;

    private TrainWorker() {}

    public static void main(String[] args) {
        crashOnceIfAsked(System.getenv(CRASH_ONCE_ENV));
        TrainJob job;
        try {
            job = TrainJob.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("train worker: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        TorchRuntime.configure();
        try {
            DeltaProducer.produce(job);
        } catch (RuntimeException e) {
            System.err.println("train worker: " + (e instanceof UserFacingException ? e.getMessage() : e.toString()));
            System.exit(EXIT_FAILED);
        }
        System.exit(0);
    }

    private static void crashOnceIfAsked(String marker) {
        if (marker == null || marker.isBlank()) {
            return;
        }
        try {
            Files.createFile(Path.of(marker));
        } catch (IOException alreadyCrashed) {
            return;
        }
        System.err.println("train worker: crashing once for the test (" + CRASH_ONCE_ENV + ")");
        System.exit(137);
    }
}
