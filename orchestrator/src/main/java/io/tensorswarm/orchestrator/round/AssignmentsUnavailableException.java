package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when page assignments cannot be computed (yet): no dataset is configured, or the dataset's
 * fingerprint and page count are still being derived from the base model. Answered with 503.
 */
public class AssignmentsUnavailableException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public AssignmentsUnavailableException(String message) {
        super(message);
    }

    /** Retryable: the dataset may be ready later. */
    @Override
    public boolean retryable() {
        return true;
    }
}
