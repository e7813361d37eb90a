package io.tensorswarm.common.train;

import io.tensorswarm.common.TensorswarmException;

/** Thrown when a training step's loss is NaN or infinite; the weights are then unusable. */
public class TrainingDivergedException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public TrainingDivergedException(String message) {
        super(message);
    }
}
