package io.tensorswarm.common.protocol;

import java.util.Objects;

/** Thrown when an on-chain commitment payload cannot be built or parsed; {@link #kind()} says why. */
public class CommitmentException extends ProtocolException {
    private static final long serialVersionUID = 1L;

    /** What is wrong with the commitment. */
    public enum Kind {
        /** The payload would exceed, or exceeds, the 128-byte Raw limit. */
        TOO_LONG,
        /** Shorter than the fixed header plus a one-byte locator. */
        TRUNCATED,
        /** The version byte is not one this reader knows. */
        UNSUPPORTED_VERSION,
        /** The round is beyond 2^53 - 1. */
        BAD_ROUND,
        /** The locator is not valid UTF-8, not a URI with a scheme, or holds whitespace or control characters. */
        BAD_LOCATOR,
        /** The delta hash is not 64 lowercase hex characters. */
        BAD_HASH
    }

    private final Kind kind;

    public CommitmentException(Kind kind, String message) {
        super(message);
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** Returns what is wrong with the commitment. */
    public Kind kind() {
        return kind;
    }
}
