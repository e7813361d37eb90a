package io.tensorswarm.miner.run;

import io.tensorswarm.common.cli.UserFacingException;
import io.tensorswarm.miner.worker.DeltaProducer;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.miner.worker.WorkerProtocol;
import java.nio.file.Files;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains in the daemon's own JVM ({@code --worker in-process}): simplest for debugging and tests,
 * but a crash or out-of-memory error takes the daemon down, and neither the deadline block nor a stop
 * request can interrupt the training (they are checked when it ends; a SIGTERM then waits up to
 * {@code --shutdown.grace} for it). The training itself stops at the job's {@link TrainJob#trainUntil()}.
 */
public final class InProcessRunner implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(InProcessRunner.class);

    @Override
    public TrainingOutcome train(TrainJob job, TrainingWatch watch) {
        if (watch.stopRequested()) {
            return TrainingOutcome.STOPPED;
        }
        WorkerProtocol.Summary summary;
        try {
            summary = DeltaProducer.run(job, watch::step).summary();
        } catch (RuntimeException e) {
            log.warn("{} training failed: {}", watch.logPrefix(),
                    e instanceof UserFacingException ? e.getMessage() : e.toString());
            return TrainingOutcome.FAILED;
        }
        watch.finished(summary);
        if (watch.stopRequested()) {
            return TrainingOutcome.STOPPED;
        }
        if (watch.pastDeadline()) {
            return TrainingOutcome.DEADLINE;
        }
        return Files.isRegularFile(job.out()) ? TrainingOutcome.DONE : TrainingOutcome.FAILED;
    }
}
