package io.tensorswarm.orchestrator.http;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown by an endpoint to answer with an HTTP error status and a one-line message, sent as {@code
 * {"error":"<message>"}}.
 */
public class ApiException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    private final int status;

    public ApiException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** Returns the HTTP status. */
    public int status() {
        return status;
    }

    /** Returns a 400 Bad Request. */
    public static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    /** Returns true for 503, where a later retry may succeed. */
    @Override
    public boolean retryable() {
        return status == 503;
    }
}
