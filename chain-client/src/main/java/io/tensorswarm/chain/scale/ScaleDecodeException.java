package io.tensorswarm.chain.scale;

import io.tensorswarm.chain.ChainException;

/**
 * Thrown when SCALE bytes are truncated, malformed or hostile (a length larger than the input);
 * carries the byte offset where decoding failed. Never retryable: the same bytes fail again.
 */
public class ScaleDecodeException extends ChainException {
    private static final long serialVersionUID = 1L;

    private final int offset;

    /** Creates the exception for a failure at {@code offset} in the input. */
    public ScaleDecodeException(String message, int offset) {
        super(message + " (at byte " + offset + ")");
        this.offset = offset;
    }

    /** Returns the byte offset in the input where decoding failed. */
    public int offset() {
        return offset;
    }
}
