package io.tensorswarm.miner.publish;

import io.tensorswarm.common.TensorswarmException;

/** A delta file to publish is unreadable or does not fit the round's base model; the message is one line. */
public final class InvalidDeltaException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public InvalidDeltaException(String message, Throwable cause) {
        super(message, cause);
    }
}
