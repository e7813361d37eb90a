package io.tensorswarm.protocol.fetch;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when a miner's round submission fails a fetch or protocol check (design §3 steps 1-3);
 * {@link #reason()} is a short stable code for the result file, the message names the miner.
 */
public final class RejectedDeltaException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    private final String reason;

    /** Creates the exception with a short reason code and a one-line detail. */
    public RejectedDeltaException(String reason, String detail) {
        super(detail);
        this.reason = reason;
    }

    /** Creates the exception with a cause. */
    public RejectedDeltaException(String reason, String detail, Throwable cause) {
        super(detail, cause);
        this.reason = reason;
    }

    /** Returns the short reason code, e.g. {@code "missing manifest"}. */
    public String reason() {
        return reason;
    }
}
