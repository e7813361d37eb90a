package io.tensorswarm.averager.merge;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when the averager's persisted merge state (the outer momentum file) cannot be read or
 * written, or does not fit the base model. The message is one line and names the file.
 */
public class MergeStateException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public MergeStateException(String message) {
        super(message);
    }

    public MergeStateException(String message, Throwable cause) {
        super(message, cause);
    }
}
