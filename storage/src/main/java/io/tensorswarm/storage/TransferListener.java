package io.tensorswarm.storage;

/**
 * Receives progress of one upload or download. Called from transfer threads, possibly several at
 * once for parallel parts; implementations must be thread-safe and quick.
 */
@FunctionalInterface
public interface TransferListener {
    /** A listener that ignores everything. */
    TransferListener NONE = bytes -> {};

    /** Called after {@code bytes} more bytes went over the wire in this call (resumed bytes are not counted). */
    void transferred(long bytes);
}
