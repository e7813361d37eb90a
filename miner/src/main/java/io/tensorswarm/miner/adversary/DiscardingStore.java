package io.tensorswarm.miner.adversary;

import io.tensorswarm.storage.ForwardingObjectStore;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The lazy miner's own store: reads go to the wrapped store, uploads are dropped (logged, never stored). */
final class DiscardingStore extends ForwardingObjectStore {
    private static final Logger log = LoggerFactory.getLogger(DiscardingStore.class);

    DiscardingStore(ObjectStore inner) {
        super(inner);
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        log.info("[adversary lazy] not uploading {}", request.key());
        return new ObjectInfo(request.key(), 0, null, null, Instant.now());
    }
}
