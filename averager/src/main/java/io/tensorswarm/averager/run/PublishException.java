package io.tensorswarm.averager.run;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when a model revision cannot be published or read back complete; {@code latest} has not
 * moved. The message is one line and names the object at fault.
 */
public class PublishException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public PublishException(String message) {
        super(message);
    }

    public PublishException(String message, Throwable cause) {
        super(message, cause);
    }
}
