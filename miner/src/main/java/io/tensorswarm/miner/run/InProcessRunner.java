package io.tensorswarm.miner.run;

import io.tensorswarm.common.cli.UserFacingException;
import io.tensorswarm.miner.worker.DeltaProducer;
import io.tensorswarm.miner.worker.TrainJob;
import java.nio.file.Files;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains in the daemon's own JVM ({@code --worker in-process}): simplest for debugging and tests,
 * but a crash or out-of-memory error takes the daemon down and the deadline cannot interrupt a step.
 */
public final class InProcessRunner implements TrainingRunner {
    private static final Logger log = LoggerFactory.getLogger(InProcessRunner.class);

    @Override
    public TrainingOutcome train(TrainJob job, String logPrefix, BooleanSupplier pastDeadline) {
        try {
            DeltaProducer.produce(job);
        } catch (RuntimeException e) {
            log.warn("{} training failed: {}", logPrefix, e instanceof UserFacingException ? e.getMessage() : e.toString());
            return TrainingOutcome.FAILED;
        }
        if (pastDeadline.getAsBoolean()) {
            return TrainingOutcome.DEADLINE;
        }
        return Files.isRegularFile(job.out()) ? TrainingOutcome.DONE : TrainingOutcome.FAILED;
    }
}
