package io.tensorswarm.protocol;

import io.tensorswarm.common.TensorswarmException;

/** A base model whose {@code model.safetensors} does not hash to its revision: nobody may train or score on it. */
public final class BaseModelMismatchException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public BaseModelMismatchException(String message) {
        super(message);
    }
}
