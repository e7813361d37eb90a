package io.tensorswarm.averager.run;

import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A real store whose writes of {@code latest} fail, as when the process dies just before the pointer move. */
final class PointerFailingStore implements ObjectStore {
    private final ObjectStore delegate;

    PointerFailingStore(ObjectStore delegate) {
        this.delegate = delegate;
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        if (request.key().equals(StorageLayout.LATEST)) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "simulated crash before writing latest");
        }
        return delegate.put(request);
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        return delegate.get(request, target);
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        return delegate.getBytes(request);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return delegate.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return delegate.list(prefix);
    }

    @Override
    public void delete(String key) {
        delegate.delete(key);
    }

    @Override
    public void close() {}
}
