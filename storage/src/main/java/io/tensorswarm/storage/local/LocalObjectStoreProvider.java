package io.tensorswarm.storage.local;

import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStoreProvider;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;

/** Serves {@code file:///absolute/dir} locations, parsed strictly by {@link LocalLocation}. */
public final class LocalObjectStoreProvider implements ObjectStoreProvider {
    @Override
    public String scheme() {
        return "file";
    }

    @Override
    public ObjectStore open(URI location, StorageOptions options) {
        return new LocalObjectStore(LocalLocation.parse(location).root(), options);
    }
}
