package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.ChainException;

/**
 * Thrown when runtime metadata is unsupported or lacks what the caller asked for (an unknown
 * pallet, call, storage item or type id). Not retryable against the same runtime.
 */
public class MetadataException extends ChainException {
    private static final long serialVersionUID = 1L;

    /** Creates the exception with a one-line message naming the missing or bad item. */
    public MetadataException(String message) {
        super(message);
    }
}
