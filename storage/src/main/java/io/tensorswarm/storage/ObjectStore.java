package io.tensorswarm.storage;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A flat namespace of objects under one location ({@code file://}, {@code s3://}, {@code hf://}):
 * atomic puts, capped and verified streaming gets, ranged gets, stat, list by prefix, delete, and
 * small pointer objects such as {@code latest}.
 *
 * <p>Implementations must be safe for concurrent use by multiple threads. Keys are relative and
 * {@code /}-separated and are checked by {@link Keys#check(String)}; every failure is a
 * {@link StorageException} whose {@link StorageException#kind() kind} says why.
 *
 * <pre>{@code
 * try (ObjectStore store = ObjectStores.open("s3://my-bucket/subnet3", StorageOptions.fromEnvironment(System.getenv()))) {
 *     store.put(PutRequest.ofFile(StorageLayout.deltaKey(7, hotkey), delta));
 *     store.get(GetRequest.of(StorageLayout.deltaKey(7, other), 2L << 30), Path.of("their-delta.safetensors"));
 * }
 * }</pre>
 */
public interface ObjectStore extends AutoCloseable {
    /** Returns the location this store was opened on, without credentials. */
    URI location();

    /**
     * Stores an object. Readers see either the previous object or the whole new one, never a part.
     * Interrupted large uploads are resumed by the next put of the same file and key where the
     * backend supports it.
     *
     * @return the stored object's description, with its SHA-256
     */
    ObjectInfo put(PutRequest request);

    /**
     * Streams an object (or the requested range) into {@code target}, replacing it atomically once
     * the bytes are complete and verified. Refuses objects above {@link GetRequest#maxBytes()} before
     * reading them, checks the size and, for whole objects, the SHA-256 the request or the backend
     * expects. A broken download leaves {@code target + ".part"} behind and the next call resumes it.
     *
     * @return the object's description; {@code sha256} is the hash of the bytes actually received
     */
    ObjectInfo get(GetRequest request, Path target);

    /** Returns the object's (or range's) bytes; meant for small objects, so keep the cap small. */
    byte[] getBytes(GetRequest request);

    /** Returns the object's description, or empty when there is no such key. */
    Optional<ObjectInfo> stat(String key);

    /** Returns every object whose key starts with {@code prefix} ({@code ""} = all), sorted by key. */
    List<ObjectInfo> list(String prefix);

    /** Deletes the object; deleting a missing key is not an error. */
    void delete(String key);

    /** Points {@code key} (for example {@link io.tensorswarm.common.protocol.StorageLayout#LATEST}) at {@code value}, atomically. */
    default void setPointer(String key, String value) {
        put(PutRequest.builder()
                .setKey(key)
                .setBytes(value.getBytes(StandardCharsets.UTF_8))
                .optContentType("text/plain; charset=utf-8")
                .build());
    }

    /** Returns the value {@code key} points at, or empty when unset. Values are at most 4 KiB. */
    default Optional<String> readPointer(String key) {
        if (stat(key).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(new String(getBytes(GetRequest.of(key, 4096)), StandardCharsets.UTF_8).strip());
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /** Releases connections and threads; the store is unusable afterwards. */
    @Override
    void close();
}
