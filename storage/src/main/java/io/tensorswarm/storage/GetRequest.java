package io.tensorswarm.storage;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An immutable request to read one object, whole or a byte range, with a size cap and optionally
 * the SHA-256 the bytes must have.
 *
 * <pre>{@code
 * GetRequest req = GetRequest.builder().setKey(key).optMaxBytes(2L << 30).optExpectedSha256(hex).build();
 * store.get(req, Path.of("delta.safetensors"));
 * }</pre>
 */
public final class GetRequest {
    /** Default cap when the caller sets none: 64 GiB. */
    public static final long DEFAULT_MAX_BYTES = 64L << 30;

    private static final Pattern HEX64 = Pattern.compile("[0-9a-f]{64}");

    private final String key;
    private final long maxBytes;
    private final String expectedSha256;
    private final long expectedSize;
    private final long offset;
    private final long length;
    private final TransferListener listener;

    private GetRequest(Builder b) {
        this.key = b.key;
        this.maxBytes = b.maxBytes;
        this.expectedSha256 = b.expectedSha256;
        this.expectedSize = b.expectedSize;
        this.offset = b.offset;
        this.length = b.length;
        this.listener = b.listener;
    }

    /** Returns a request for the whole object under {@code key} capped at {@code maxBytes}. */
    public static GetRequest of(String key, long maxBytes) {
        return builder().setKey(key).optMaxBytes(maxBytes).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.key = key;
        b.maxBytes = maxBytes;
        b.expectedSha256 = expectedSha256;
        b.expectedSize = expectedSize;
        b.offset = offset;
        b.length = length;
        b.listener = listener;
        return b;
    }

    public String key() {
        return key;
    }

    /** Returns the most bytes the caller accepts; bigger objects fail with {@code TOO_LARGE}. */
    public long maxBytes() {
        return maxBytes;
    }

    /** Returns the lower-case hex SHA-256 the whole object must have, or {@code null}. */
    public String expectedSha256() {
        return expectedSha256;
    }

    /**
     * Returns the size the whole object must have, also when only a range is read (a header read
     * then fails fast on an object that is not the one described), or -1 when any size up to the cap
     * is fine.
     */
    public long expectedSize() {
        return expectedSize;
    }

    /** Returns the first byte to read (0 for the whole object). */
    public long offset() {
        return offset;
    }

    /** Returns how many bytes to read from {@link #offset()}, or -1 for "to the end". */
    public long length() {
        return length;
    }

    /** Returns whether this reads only part of the object (then no whole-object hash is checked). */
    public boolean isRange() {
        return offset > 0 || length >= 0;
    }

    public TransferListener listener() {
        return listener;
    }

    /** Builds {@link GetRequest}s; {@code set*} values are required, {@code opt*} optional. */
    public static final class Builder {
        private String key;
        private long maxBytes = DEFAULT_MAX_BYTES;
        private String expectedSha256;
        private long expectedSize = -1;
        private long offset;
        private long length = -1;
        private TransferListener listener = TransferListener.NONE;

        private Builder() {}

        public Builder setKey(String key) {
            this.key = key;
            return this;
        }

        public Builder optMaxBytes(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("negative maxBytes " + maxBytes);
            }
            this.maxBytes = maxBytes;
            return this;
        }

        /** Sets the SHA-256 (hex, any case) the whole object must have; {@code null} clears it. */
        public Builder optExpectedSha256(String sha256) {
            if (sha256 != null) {
                String hex = sha256.toLowerCase(Locale.ROOT);
                if (!HEX64.matcher(hex).matches()) {
                    throw new IllegalArgumentException("not a hex SHA-256: " + sha256);
                }
                this.expectedSha256 = hex;
            } else {
                this.expectedSha256 = null;
            }
            return this;
        }

        public Builder optExpectedSize(long size) {
            if (size < -1) {
                throw new IllegalArgumentException("bad expected size " + size);
            }
            this.expectedSize = size;
            return this;
        }

        /** Reads {@code length} bytes from {@code offset} ({@code length} -1 = to the end). */
        public Builder optRange(long offset, long length) {
            if (offset < 0 || length < -1) {
                throw new IllegalArgumentException("bad range " + offset + "+" + length);
            }
            this.offset = offset;
            this.length = length;
            return this;
        }

        public Builder optListener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public GetRequest build() {
            if (key == null) {
                throw new IllegalArgumentException("You must specify a key");
            }
            Keys.check(key);
            if ((offset > 0 || length >= 0) && expectedSha256 != null) {
                throw new IllegalArgumentException("an expected SHA-256 applies to whole objects, not ranges");
            }
            return new GetRequest(this);
        }
    }
}
