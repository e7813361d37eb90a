package io.tensorswarm.common.protocol;

import io.tensorswarm.common.TensorswarmException;

/**
 * Thrown when protocol input (an object-store key component, a {@code latest} pointer, a manifest,
 * a commitment, an encoded delta) breaks the round protocol's rules. The subclasses carry a {@code
 * kind()} a daemon can branch on; the message is one line naming the input at fault.
 */
public class ProtocolException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    public ProtocolException(String message) {
        super(message);
    }

    public ProtocolException(String message, Throwable cause) {
        super(message, cause);
    }
}
