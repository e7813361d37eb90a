package io.tensorswarm.storage;

import java.net.URI;

/**
 * Opens {@link ObjectStore}s for one URI scheme. Implementations are found with
 * {@link java.util.ServiceLoader} through {@code META-INF/services/io.tensorswarm.storage.ObjectStoreProvider}
 * and must have a public no-argument constructor.
 */
public interface ObjectStoreProvider {
    /** Returns the URI scheme this provider serves, lower case ({@code "s3"}). */
    String scheme();

    /** Opens a store on {@code location}; throws {@code CONFIGURATION} for a malformed location. */
    ObjectStore open(URI location, StorageOptions options);
}
