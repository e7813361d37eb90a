package io.tensorswarm.common.train;

/**
 * Returns what a finished training run did.
 *
 * @param steps optimizer steps run
 * @param losses per-step mean batch loss, index 0 = step 1
 * @param tokens input tokens processed (batch x sequence length, padding included)
 * @param seconds wall time of the loop
 * @param stoppedAtDeadline whether the run ended before its step count because the next step would
 *     have ended after its {@link TrainingDeadline}
 */
public record TrainResult(int steps, float[] losses, long tokens, double seconds, boolean stoppedAtDeadline) {
    /** Returns the first step's loss. */
    public float firstLoss() {
        return losses[0];
    }

    /** Returns the mean loss of the last {@code n} steps (or all, if fewer). */
    public double meanOfLast(int n) {
        int k = Math.min(n, losses.length);
        double s = 0;
        for (int i = losses.length - k; i < losses.length; i++) {
            s += losses[i];
        }
        return s / k;
    }

    /** Returns input tokens per second of wall time. */
    public double tokensPerSecond() {
        return seconds > 0 ? tokens / seconds : 0;
    }
}
