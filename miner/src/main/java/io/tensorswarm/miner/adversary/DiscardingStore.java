package io.tensorswarm.miner.adversary;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lazy miner's own store: reads go to the wrapped store, uploads are dropped (logged, never stored). */
final class DiscardingStore implements ObjectStore {
    private static final Logger log = LoggerFactory.getLogger(DiscardingStore.class);

    private final ObjectStore inner;

    DiscardingStore(ObjectStore inner) {
        this.inner = inner;
    }

    @Override
    public URI location() {
        return inner.location();
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        log.info("[adversary lazy] not uploading {}", request.key());
        return new ObjectInfo(request.key(), 0, null, null, Instant.now());
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        return inner.get(request, target);
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        return inner.getBytes(request);
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        return inner.stat(key);
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        return inner.list(prefix);
    }

    @Override
    public void delete(String key) {
        inner.delete(key);
    }

    @Override
    public void close() {
        inner.close();
    }
}
