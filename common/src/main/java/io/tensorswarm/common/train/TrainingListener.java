package io.tensorswarm.common.train;

/**
 * Receives training progress. Called on the training thread after every step; implementations
 * must be quick and must not throw.
 */
public interface TrainingListener {
    /**
     * One finished step.
     *
     * @param step 1-based step number
     * @param totalSteps steps in the run, or 0 when only a deadline ends it (the count is not known ahead)
     * @param loss mean loss of the step's batch (nats per predicted token)
     * @param learningRate learning rate the step used
     * @param tokensPerSecond input tokens per second of wall time since the run started
     */
    record StepMetrics(int step, int totalSteps, float loss, double learningRate, double tokensPerSecond) {}

    /** Called after each step. */
    void onStep(StepMetrics metrics);

    /** Called once when the run ends normally. */
    default void onFinish(TrainResult result) {}

    /** A listener that ignores everything. */
    TrainingListener NONE = m -> {};
}
