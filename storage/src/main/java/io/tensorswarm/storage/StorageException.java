package io.tensorswarm.storage;

import io.tensorswarm.common.TensorswarmException;
import java.time.Duration;
import java.util.Optional;

/**
 * Thrown when a storage operation fails; {@link #kind()} says why and {@link #retryable()} whether
 * trying again may help. Messages are one line, name the location and key, and never carry
 * credentials.
 */
public class StorageException extends TensorswarmException {
    private static final long serialVersionUID = 1L;

    /** Why an operation failed. Daemons branch on this, never on the message text. */
    public enum Kind {
        /** The key (or the repository, bucket or revision) does not exist. */
        NOT_FOUND(false),
        /** Credentials are missing, wrong, or lack a permission. */
        ACCESS_DENIED(false),
        /** Bytes do not match the expected size or SHA-256. */
        INTEGRITY(false),
        /** The object is larger than the caller's cap. */
        TOO_LARGE(false),
        /** A key or location is malformed or escapes its root. */
        INVALID_KEY(false),
        /** The remote end did something a well-behaved server never does (foreign redirect, bad reply). */
        PROTOCOL(false),
        /** A write lost a race (a precondition no longer holds). */
        CONFLICT(false),
        /** The remote end is slow to answer or to send bytes. */
        TIMEOUT(true),
        /** The remote end asked us to slow down (HTTP 429, S3 SlowDown). */
        THROTTLED(true),
        /** The remote end failed or could not be reached (5xx, refused, reset). */
        UNAVAILABLE(true),
        /** The location or options are wrong (unknown scheme, missing setting). */
        CONFIGURATION(false),
        /** A local file could not be read or written. */
        LOCAL_IO(false),
        /** The calling thread was interrupted. */
        INTERRUPTED(false);

        private final boolean retryable;

        Kind(boolean retryable) {
            this.retryable = retryable;
        }

        /** Returns whether failures of this kind are worth retrying. */
        public boolean retryable() {
            return retryable;
        }
    }

    private final Kind kind;
    private final Duration retryAfter;

    public StorageException(Kind kind, String message) {
        this(kind, message, null, null);
    }

    public StorageException(Kind kind, String message, Throwable cause) {
        this(kind, message, cause, null);
    }

    /** Creates an exception carrying the server's {@code Retry-After} hint (may be {@code null}). */
    public StorageException(Kind kind, String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.kind = kind;
        this.retryAfter = retryAfter;
    }

    /** Returns how long the server asked us to wait before trying again, if it said. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    /** Returns why the operation failed. */
    public Kind kind() {
        return kind;
    }

    @Override
    public boolean retryable() {
        return kind.retryable();
    }
}
