package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.ChainException;

/**
 * Thrown when a call to the orchestrator's API fails: no answer within the timeout (the server is
 * down, unreachable or too slow; {@link #status()} is 0), or an error status with the server's
 * one-line reason. {@link #retryable()} is true for no answer, 408, 429 and 5xx answers; a 4xx
 * answer (bad request, refused signature, hotkey not registered) will fail again until something
 * changes. The message is one line and names the orchestrator.
 */
public class OrchestratorException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final int status;

    /** Creates the exception for an HTTP {@code status} (0: no answer) with an optional cause. */
    public OrchestratorException(int status, String message, Throwable cause) {
        super(message, cause, status == 0 || status == 408 || status == 429 || status >= 500);
        this.status = status;
    }

    /** Returns the HTTP status the orchestrator answered with, or 0 when it gave no (readable) answer. */
    public int status() {
        return status;
    }
}
