package io.tensorswarm.storage;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * An {@link ObjectStore} that hands every call to another one; subclasses override what they change
 * (count bytes, drop writes, inject faults in tests). {@code setPointer} and {@code readPointer} keep the
 * interface's defaults, so they pass through the overridden {@code put}, {@code stat} and {@code getBytes}.
 */
public abstract class ForwardingObjectStore implements ObjectStore {
    protected final ObjectStore delegate;

    protected ForwardingObjectStore(ObjectStore delegate) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
    }

    @Override
    public URI location() {
        return delegate.location();
    }

    @Override
    public ObjectInfo put(PutRequest request) {
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
    public void close() {
        delegate.close();
    }
}
