package io.tensorswarm.common.model;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when a set of weights does not fit a model: a tensor is missing, unexpected, mis-shaped
 * or of a non-float dtype. The message names the tensor.
 */
public class ModelWeightsException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public ModelWeightsException(String message) {
        super(message);
    }

    public ModelWeightsException(String message, Throwable cause) {
        super(message, cause);
    }
}
