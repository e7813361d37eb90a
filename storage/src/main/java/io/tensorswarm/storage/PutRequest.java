package io.tensorswarm.storage;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable request to store one object from a file or from bytes. Readers never see a partial
 * object: every backend publishes the object in one atomic step.
 *
 * <pre>{@code
 * store.put(PutRequest.builder().setKey("rounds/7/5F.../delta.safetensors").setFile(delta).build());
 * }</pre>
 */
public final class PutRequest {
    private final String key;
    private final Path file;
    private final byte[] bytes;
    private final String contentType;
    private final TransferListener listener;

    private PutRequest(Builder b) {
        this.key = b.key;
        this.file = b.file;
        this.bytes = b.bytes;
        this.contentType = b.contentType;
        this.listener = b.listener;
    }

    /** Returns a request storing {@code file} under {@code key}. */
    public static PutRequest ofFile(String key, Path file) {
        return builder().setKey(key).setFile(file).build();
    }

    /** Returns a request storing {@code bytes} under {@code key}. */
    public static PutRequest ofBytes(String key, byte[] bytes) {
        return builder().setKey(key).setBytes(bytes).build();
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        Builder b = new Builder();
        b.key = key;
        b.file = file;
        b.bytes = bytes;
        b.contentType = contentType;
        b.listener = listener;
        return b;
    }

    public String key() {
        return key;
    }

    /** Returns the source file, or {@code null} when the source is {@link #bytes()}. */
    public Path file() {
        return file;
    }

    /** Returns a copy of the source bytes, or {@code null} when the source is {@link #file()}. */
    public byte[] bytes() {
        return bytes == null ? null : bytes.clone();
    }

    byte[] bytesUnsafe() {
        return bytes;
    }

    public String contentType() {
        return contentType;
    }

    public TransferListener listener() {
        return listener;
    }

    /** Builds {@link PutRequest}s; {@code set*} values are required, {@code opt*} optional. */
    public static final class Builder {
        private String key;
        private Path file;
        private byte[] bytes;
        private String contentType = "application/octet-stream";
        private TransferListener listener = TransferListener.NONE;

        private Builder() {}

        public Builder setKey(String key) {
            this.key = key;
            return this;
        }

        public Builder setFile(Path file) {
            this.file = file;
            this.bytes = null;
            return this;
        }

        public Builder setBytes(byte[] bytes) {
            this.bytes = bytes == null ? null : Arrays.copyOf(bytes, bytes.length);
            this.file = null;
            return this;
        }

        public Builder optContentType(String contentType) {
            this.contentType = Objects.requireNonNull(contentType, "contentType");
            return this;
        }

        public Builder optListener(TransferListener listener) {
            this.listener = Objects.requireNonNull(listener, "listener");
            return this;
        }

        public PutRequest build() {
            if (key == null) {
                throw new IllegalArgumentException("You must specify a key");
            }
            if (file == null && bytes == null) {
                throw new IllegalArgumentException("You must specify a file or bytes for " + key);
            }
            Keys.check(key);
            return new PutRequest(this);
        }
    }
}
