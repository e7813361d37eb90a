package io.tensorswarm.miner.run;

/** How a round's training ended. */
public enum TrainingOutcome {
    /** The delta file is written. */
    DONE,
    /** The round's deadline came first; the worker was stopped. */
    DEADLINE,
    /** The daemon is stopping (SIGTERM); the worker was stopped and its output must not be used. */
    STOPPED,
    /** The worker failed and is not retried any more this round. */
    FAILED
}
