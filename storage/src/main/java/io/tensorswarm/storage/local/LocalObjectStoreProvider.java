package io.tensorswarm.storage.local;

import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStoreProvider;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;
import java.nio.file.Path;

/** Serves {@code file:///absolute/dir} locations. */
public final class LocalObjectStoreProvider implements ObjectStoreProvider {
    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public ObjectStore open(URI location, StorageOptions options) {
        if (location.getScheme() == null) {
            return new LocalObjectStore(Path.of(location.getPath()), options);
        }
        if (location.getAuthority() != null && !location.getAuthority().isEmpty()) {
            throw new StorageException(StorageException.Kind.CONFIGURATION,
                    "file location must be file:///absolute/path, got " + location);
        }
        return new LocalObjectStore(Path.of(location), options);
    }
}
