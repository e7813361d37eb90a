package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when the {@code latest} pointer exists but cannot be read or parsed; the message names the file. */
public class BaseRevisionException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public BaseRevisionException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Retryable: the publisher may be replacing the pointer, or a disk hiccup may pass. */
    @Override
    public boolean retryable() {
        return true;
    }
}
