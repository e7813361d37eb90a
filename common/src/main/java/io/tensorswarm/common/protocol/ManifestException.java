package io.tensorswarm.common.protocol;

import java.util.Objects;

/**
 * Thrown when a delta manifest is malformed, too large, unsigned, wrongly signed, or does not match
 * what the reader expected; {@link #kind()} says which.
 */
public class ManifestException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the manifest. */
    public enum Kind {
        /** Larger than the size cap; not parsed. */
        TOO_LARGE,
        /** Not UTF-8 JSON, not an object, or a duplicate key. */
        MALFORMED,
        /** A missing or unknown field, or a field of the wrong type or shape. */
        SCHEMA,
        /** A {@code version} this reader does not know. */
        UNSUPPORTED_VERSION,
        /** No signature, or one the hotkey did not make. */
        BAD_SIGNATURE,
        /** Valid, but for another hotkey, netuid, round or base revision than expected. */
        MISMATCH
    }

    private final Kind kind;

    public ManifestException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    public ManifestException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Returns what is wrong with the manifest. */
    public Kind kind() {
        return kind;
    }
}
