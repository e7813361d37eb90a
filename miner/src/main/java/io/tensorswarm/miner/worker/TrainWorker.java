package io.tensorswarm.miner.worker;

import io.tensorswarm.common.cli.UserFacingException;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.ops.LogFormat;
import io.tensorswarm.common.ops.LogIdentity;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;

/**
 * Main class of the child JVM that trains one round: {@code java -cp ... TrainWorker <TrainJob
 * args>}. Exits 0 after writing the delta file, {@link #EXIT_FAILED} when the job fails (one line on
 * stderr), {@link #EXIT_USAGE} on malformed arguments.
 *
 * <p>It reports each step and a final summary on stdout as {@link WorkerProtocol} lines; its logs go
 * to stderr, in the format named by {@code TS_LOGGING_FORMAT} and with the miner's identity when
 * {@link #NETUID_ENV} is set. When {@link #SUPERVISED_ENV} is {@code 1}, the worker watches its stdin
 * (a pipe from the supervisor) and halts at once when it closes: a supervisor killed with {@code kill
 * -9} leaves no orphaned training behind. Every file it writes is written atomically, so halting at
 * any point leaves no torn file.
 */
public final class TrainWorker {
    /** Set to {@code 1} by the supervisor: stop when stdin closes (the supervisor is gone). */
    public static final String SUPERVISED_ENV = "TS_WORKER_SUPERVISED";
    /** The subnet id shown in the worker's log identity. */
    public static final String NETUID_ENV = "TS_WORKER_NETUID";
    /** Exit code of a job that failed for a reason a restart will not fix. */
    public static final int EXIT_FAILED = 3;
    /** Exit code of malformed arguments. */
    public static final int EXIT_USAGE = 2;
    /** Exit code when the supervisor went away (stdin closed). */
    public static final int EXIT_ORPHANED = 4;

    private TrainWorker() {}

    public static void main(String[] args) {
        TrainJob job;
        try {
            job = TrainJob.fromArgs(args);
        } catch (IllegalArgumentException e) {
            System.err.println("train worker: " + e.getMessage());
            System.exit(EXIT_USAGE);
            return;
        }
        configureLogging(job);
        if ("1".equals(System.getenv(SUPERVISED_ENV))) {
            haltWhenClosed(System.in);
        }
        TorchRuntime.configure();
        PrintStream out = System.out;
        try {
            WorkerProtocol.Summary summary = DeltaProducer.run(job, m -> report(out, WorkerProtocol.format(m))).summary();
            report(out, WorkerProtocol.format(summary));
        } catch (RuntimeException e) {
            System.err.println("train worker: " + (e instanceof UserFacingException ? e.getMessage() : e.toString()));
            System.exit(EXIT_FAILED);
        }
        System.exit(0);
    }

    private static void report(PrintStream out, String line) {
        out.println(line);
        out.flush();
    }

    private static void configureLogging(TrainJob job) {
        String format = System.getenv("TS_LOGGING_FORMAT");
        if (format != null && !format.isBlank()) {
            try {
                LogFormat.parse(format).apply();
            } catch (IllegalArgumentException e) {
                System.err.println("train worker: ignoring TS_LOGGING_FORMAT: " + e.getMessage());
            }
        }
        String netuid = System.getenv(NETUID_ENV);
        if (netuid != null && netuid.matches("\\d{1,5}")) {
            new LogIdentity("miner", job.hotkey(), Integer.parseInt(netuid)).apply();
        }
    }

    /** Halts the JVM (no hooks, no further writes) once {@code in} reaches its end. */
    private static void haltWhenClosed(InputStream in) {
        Thread watcher = new Thread(() -> {
            try {
                while (in.read() >= 0) {
                    // the supervisor never writes; anything read is ignored
                }
            } catch (IOException e) {
                // a broken pipe means the same: the supervisor is gone
            }
            System.err.println("train worker: the miner is gone (stdin closed); stopping");
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "supervisor-watch");
        watcher.setDaemon(true);
        watcher.start();
    }
}
