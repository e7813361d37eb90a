package io.tensorswarm.miner.run;

import io.tensorswarm.miner.worker.TrainJob;
import java.util.function.BooleanSupplier;

/** Runs a round's {@link TrainJob} to completion, giving up when {@code pastDeadline} turns true. */
public interface TrainingRunner {
    /**
     * Runs {@code job}; on {@link TrainingOutcome#DONE} the job's output file exists. Failures are
     * logged with {@code logPrefix}, never thrown.
     */
    TrainingOutcome train(TrainJob job, String logPrefix, BooleanSupplier pastDeadline);
}
