package io.tensorswarm.miner.run;

import io.tensorswarm.common.TensorswarmException;

/**
 * A round's commitment deadline has passed (or the commitment landed too late to count): nothing of
 * the round is uploaded.
 */
public final class DeadlinePassedException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public DeadlinePassedException(String message) {
        super(message);
    }
}
