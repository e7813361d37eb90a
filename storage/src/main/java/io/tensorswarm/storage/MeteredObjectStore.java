package io.tensorswarm.storage;

import io.tensorswarm.common.ops.DaemonMetrics;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Counts the bytes a daemon moves through a store ({@code tensorswarm_bytes_uploaded_total} and
 * {@code _downloaded_total}) and its storage errors by kind ({@code storage_unavailable},
 * {@code storage_too_large}, ...). A missing object is not counted: callers decide whether that is an
 * error (a miner's missing manifest is; a subnet without a first model yet is not).
 */
public final class MeteredObjectStore extends ForwardingObjectStore {
    private final DaemonMetrics metrics;

    public MeteredObjectStore(ObjectStore delegate, DaemonMetrics metrics) {
        super(delegate);
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        ObjectInfo info = counted(() -> delegate.put(request));
        metrics.bytesUploaded(info.size());
        return info;
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        ObjectInfo info = counted(() -> delegate.get(request, target));
        metrics.bytesDownloaded(info.size());
        return info;
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        byte[] bytes = counted(() -> delegate.getBytes(request));
        metrics.bytesDownloaded(bytes.length);
        return bytes;
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return counted(() -> delegate.stat(key));
    }

    private <T> T counted(java.util.function.Supplier<T> call) {
        try {
            return call.get();
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                throw e;
            }
            metrics.error("storage_" + e.kind().name().toLowerCase(java.util.Locale.ROOT));
            throw e;
        }
    }
}
