package io.tensorswarm.miner.run;

import io.tensorswarm.miner.worker.TrainJob;

/**
 * Runs a round's {@link TrainJob} to completion, giving up when the {@link TrainingWatch} says the
 * deadline has passed or the daemon is stopping.
 */
public interface TrainingRunner {
    /**
     * Runs {@code job}, reporting progress to {@code watch}; on {@link TrainingOutcome#DONE} the job's
     * output file exists. Failures are logged (starting with {@link TrainingWatch#logPrefix()}),
     * never thrown.
     */
    TrainingOutcome train(TrainJob job, TrainingWatch watch);
}
