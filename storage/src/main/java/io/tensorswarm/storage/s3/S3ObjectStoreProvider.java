package io.tensorswarm.storage.s3;

import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStoreProvider;
import io.tensorswarm.storage.StorageOptions;
import java.net.URI;

/** Serves {@code s3://bucket/prefix} locations. */
public final class S3ObjectStoreProvider implements ObjectStoreProvider {
    @Override
    public String scheme() {
        return "s3";
    }

    @Override
    public ObjectStore open(URI location, StorageOptions options) {
        return new S3ObjectStore(S3Location.parse(location), options);
    }
}
