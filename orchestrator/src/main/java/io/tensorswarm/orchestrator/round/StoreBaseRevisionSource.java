package io.tensorswarm.orchestrator.round;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Reads the {@code latest} pointer ({@link StorageLayout#LATEST}) from the averager's store ({@code
 * --base.location}: {@code file://}, {@code s3://}, {@code hf://}), refusing more than {@link
 * LatestPointer#MAX_BYTES}. A pointer read is reused for {@code maxAge} (so API requests do not each
 * reach a remote store); a moved pointer is seen at most that much later. Safe for concurrent use
 * when the store is.
 *
 * <pre>{@code
 * BaseRevisionSource base = new StoreBaseRevisionSource(ObjectStores.open(location, options),
 *         Duration.ofSeconds(1), Clock.systemUTC());
 * }</pre>
 */
public final class StoreBaseRevisionSource implements BaseRevisionSource {
    private record Read(long atMillis, Optional<LatestPointer> pointer) {}

    private final ObjectStore store;
    private final long maxAgeMillis;
    private final Clock clock;
    private volatile Read last;

    /** Reads from {@code store}, reusing a read for {@code maxAge} by {@code clock}. */
    public StoreBaseRevisionSource(ObjectStore store, Duration maxAge, Clock clock) {
        this.store = Objects.requireNonNull(store, "store");
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Optional<LatestPointer> latest() {
        long now = clock.millis();
        Read r = last;
        if (r != null && now - r.atMillis() >= 0 && now - r.atMillis() < maxAgeMillis) {
            return r.pointer();
        }
        Optional<LatestPointer> pointer = read();
        last = new Read(now, pointer);
        return pointer;
    }

    private Optional<LatestPointer> read() {
        byte[] bytes;
        try {
            if (store.stat(StorageLayout.LATEST).isEmpty()) {
                return Optional.empty();
            }
            bytes = store.getBytes(GetRequest.of(StorageLayout.LATEST, LatestPointer.MAX_BYTES));
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw new BaseRevisionException("cannot read " + StorageLayout.LATEST + " in " + store.location() + ": "
                    + e.getMessage(), e);
        }
        try {
            return Optional.of(LatestPointer.parse(bytes));
        } catch (ProtocolException e) {
            throw new BaseRevisionException(StorageLayout.LATEST + " in " + store.location() + ": " + e.getMessage(), e);
        }
    }
}
