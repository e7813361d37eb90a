package io.tensorswarm.miner.run;

import io.tensorswarm.common.TensorswarmException;

/** The base model fetched for a revision does not hash to that revision; the miner refuses to train on it. */
public final class BaseModelMismatchException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the object and both hashes. */
    public BaseModelMismatchException(String message) {
        super(message);
    }
}
