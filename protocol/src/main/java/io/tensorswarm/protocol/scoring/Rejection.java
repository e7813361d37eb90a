package io.tensorswarm.protocol.scoring;

import java.util.Objects;

/**
 * Returns why a miner's delta scored zero this round: a reason a daemon can branch on, and a
 * one-line detail naming the tensor or the other miner at fault.
 *
 * @param reason which check failed
 * @param detail one line for logs and the status page
 */
public record Rejection(Reason reason, String detail) {
    /** The screening checks, in the order they run (design §3 steps 3-4). */
    public enum Reason {
        /** Tensor names or shapes differ from the base model's, or a tensor is not floating-point. */
        LAYOUT,
        /** An element is NaN or infinite. */
        NON_FINITE,
        /** The L2 norm is above the cohort bound (a "norm bomb"). */
        NORM_BOUND,
        /** Nearly the same direction as a delta committed earlier by another miner. */
        COPY,
        /**
         * Re-labelled from earlier rounds: nearly the direction of one earlier-round delta (its own or
         * another miner's), or too little of it outside the span of the earlier rounds' deltas (a mix
         * or a noisy copy of them).
         */
        REPLAY,
        /**
         * What is new in it (outside the span of the earlier rounds' deltas) does not descend the loss
         * at the round's base ({@link ProgressCheck}): an earlier delta with noise added, or noise.
         */
        NO_PROGRESS
    }

    public Rejection {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(detail, "detail");
        if (detail.indexOf('\n') >= 0) {
            throw new IllegalArgumentException("rejection detail must be one line");
        }
    }

    @Override
    public String toString() {
        return reason + ": " + detail;
    }
}
