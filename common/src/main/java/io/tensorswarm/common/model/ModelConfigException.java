package io.tensorswarm.common.model;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when a model configuration is malformed or out of range; the message names the field. */
public class ModelConfigException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public ModelConfigException(String message) {
        super(message);
    }

    public ModelConfigException(String message, Throwable cause) {
        super(message, cause);
    }
}
