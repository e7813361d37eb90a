package io.tensorswarm.orchestrator.roster;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when a heartbeat breaks its schema; the message names the field at fault. */
public class HeartbeatException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public HeartbeatException(String message) {
        super(message);
    }
}
