package io.tensorswarm.miner.worker;

import io.tensorswarm.common.TensorswarmException;

/** A training job that cannot produce a delta: bad input data, divergence, a worker that keeps failing. */
public final class WorkerException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming what failed. */
    public WorkerException(String message) {
        super(message);
    }
}
