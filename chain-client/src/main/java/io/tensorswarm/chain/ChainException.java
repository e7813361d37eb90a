package io.tensorswarm.chain;

import io.tensorswarm.common.cli.UserFacingException;

/**
 * Thrown when talking to or decoding data from the Bittensor chain fails; the unchecked root of
 * every chain-client error.
 *
 * <p>{@link #retryable()} tells callers whether repeating the same operation later may succeed
 * (a dropped connection) or never will (malformed bytes, an unknown call). Daemons branch on the
 * type and this flag, never on message text.
 */
public class ChainException extends RuntimeException implements UserFacingException {
    private static final long serialVersionUID = 1L;

    private final boolean retryable;

    /** Creates a non-retryable exception with a one-line message. */
    public ChainException(String message) {
        this(message, null, false);
    }

    /** Creates an exception with a message, an optional cause and the retry flag. */
    public ChainException(String message, Throwable cause, boolean retryable) {
        super(message, cause);
        this.retryable = retryable;
    }

    /** Returns true when repeating the failed operation later may succeed. */
    public boolean retryable() {
        return retryable;
    }
}
