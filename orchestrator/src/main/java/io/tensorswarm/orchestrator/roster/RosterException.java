package io.tensorswarm.orchestrator.roster;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when the roster file cannot be read, parsed or written; the message names the file. */
public class RosterException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public RosterException(String message, Throwable cause) {
        super(message, cause);
    }
}
