package io.tensorswarm.common.train;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when training hyper-parameters are out of range; the message names the field. */
public class TrainConfigException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public TrainConfigException(String message) {
        super(message);
    }
}
