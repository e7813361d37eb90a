package io.tensorswarm.averager.run;

import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;

/** A real store whose writes of {@code latest} fail, as when the process dies just before the pointer move. */
final class PointerFailingStore extends ForwardingObjectStore {
    PointerFailingStore(ObjectStore delegate) {
        super(delegate);
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        if (request.key().equals(StorageLayout.LATEST)) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "simulated crash before writing latest");
        }
        return delegate.put(request);
    }

    /** The test owns the wrapped store and closes it itself. */
    @Override
    public void close() {}
}
