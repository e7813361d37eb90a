package io.tensorswarm.storage.hf;

import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStoreProvider;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;

/** Serves {@code hf://[datasets/]owner/name[@revision][/prefix]} locations. */
public final class HfObjectStoreProvider implements ObjectStoreProvider {
    @Override
    public String scheme() {
        return "hf";
    }

    @Override
    public ObjectStore open(URI location, StorageOptions options) {
        return new HfObjectStore(HfLocation.parse(location), options);
    }
}
