package io.tensorswarm.storage;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * Describes one stored object: its key, size and, where the backend knows them, its SHA-256 and
 * last-modified time.
 *
 * @param key the object's key relative to the location, {@code /}-separated
 * @param size the size in bytes
 * @param sha256 lower-case hex SHA-256 of the content, or {@code null} when the backend does not
 *     record it
 * @param version a backend-specific version tag (S3 ETag, Hub commit), or {@code null}
 * @param lastModified when the object was last written, or {@code null} when unknown
 */
public record ObjectInfo(String key, long size, String sha256, String version, Instant lastModified) {
    public ObjectInfo {
        Objects.requireNonNull(key, "key");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " for " + key);
        }
    }

    /** Returns the SHA-256 if the backend recorded one. */
    public Optional<String> sha256Hex() {
        return Optional.ofNullable(sha256);
    }
}
