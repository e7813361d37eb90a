package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when a stop (SIGTERM) was requested while a round was being fetched or evaluated: the round
 * is abandoned at a safe point, before any of its results were saved, so the score book, the round
 * files and the pending reveals stay as the last complete round left them.
 */
public final class StopRequestedException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line description of where the round stopped. */
    public StopRequestedException(String message) {
        super(message);
    }
}
