package io.tensorswarm.common;

import io.tensorswarm.common.cli.UserFacingException;

/**
 * Root of the errors the {@code common} library throws at its boundary: bad files, bad
 * configuration, bad data. Messages are one line, name the file or tensor at fault, and never
 * carry secrets. {@link #retryable()} tells a daemon whether trying again may help.
 */
public class TensorswarmException extends RuntimeException implements UserFacingException {
    private static final long serialVersionUID = 1L;

    public TensorswarmException(String message) {
        super(message);
    }

    public TensorswarmException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Returns whether the same call may succeed if tried again (a network blip, a busy file). */
    public boolean retryable() {
        return false;
    }
}
