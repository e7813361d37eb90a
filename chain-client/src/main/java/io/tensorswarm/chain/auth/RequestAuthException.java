package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.ChainException;

/**
 * Thrown when a signed request is refused; {@link #failure()} says why and which HTTP status
 * answers it. The message is one line, safe to send back to the caller.
 */
public class RequestAuthException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final AuthFailure failure;

    public RequestAuthException(AuthFailure failure, String message) {
        super(message, null, failure == AuthFailure.OVERLOADED || failure == AuthFailure.RATE_LIMITED);
        this.failure = failure;
    }

    /** Returns why the request was refused. */
    public AuthFailure failure() {
        return failure;
    }

    /** Returns the HTTP status that answers the failure (401, 403, 429 or 503). */
    public int httpStatus() {
        return failure.httpStatus();
    }
}
