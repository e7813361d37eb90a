package io.tensorswarm.miner.run;

/**
 * What the miner did in one round.
 *
 * @param round the round
 * @param outcome how it ended
 */
public record RoundResult(long round, Outcome outcome) {
    /** How a round ended. */
    public enum Outcome {
        /** Commitment set, delta and manifest uploaded before the deadline. */
        PUBLISHED,
        /** The deadline passed before the delta could be committed; nothing was committed. */
        TOO_LATE,
        /** The base model did not match its revision; no training this round. */
        BASE_REJECTED,
        /** Training or publishing failed; see the log. */
        FAILED,
        /** The daemon was asked to stop before the round was committed; nothing was committed. */
        STOPPED
    }
}
