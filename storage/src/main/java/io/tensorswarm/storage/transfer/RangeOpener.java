package io.tensorswarm.storage.transfer;

import java.io.InputStream;

/** Opens a stream of an object's bytes from {@code offset}, {@code length} bytes long. */
@FunctionalInterface
public interface RangeOpener {
    /**
     * Returns a stream positioned at {@code offset}; it may deliver fewer bytes than asked when the
     * connection breaks (the caller resumes) but must not be trusted to stop at {@code length}.
     * Throws {@link io.tensorswarm.storage.StorageException} when the request itself fails.
     */
    InputStream open(long offset, long length);
}
