package io.tensorswarm.orchestrator.history;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when the history file cannot be written; the message names the file. */
public class HistoryException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public HistoryException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Retryable: a full or failing disk may recover, and the next change writes the whole file again. */
    @Override
    public boolean retryable() {
        return true;
    }
}
