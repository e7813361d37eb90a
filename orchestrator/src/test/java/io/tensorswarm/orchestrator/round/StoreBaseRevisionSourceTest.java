package io.tensorswarm.orchestrator.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.orchestrator.MutableClock;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link StoreBaseRevisionSource} reading the {@code latest} pointer from a file:// store. */
class StoreBaseRevisionSourceTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));

    @Test
    void readsThePointerAndSeesItMoveOnceTheLastReadIsOlderThanMaxAge() throws Exception {
        try (ObjectStore store = ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults())) {
            StoreBaseRevisionSource source = new StoreBaseRevisionSource(store, Duration.ofSeconds(1), clock);
            assertEquals(Optional.empty(), source.latest());
            Files.write(dir.resolve("latest"), new LatestPointer("0".repeat(64), 4).toJson());
            assertEquals(Optional.empty(), source.latest(), "the read of a moment ago is reused");
            clock.advance(Duration.ofSeconds(1));
            assertEquals(Optional.of(new LatestPointer("0".repeat(64), 4)), source.latest());
            Files.write(dir.resolve("latest"), new LatestPointer("1".repeat(64), 5).toJson());
            clock.advance(Duration.ofMillis(1500));
            assertEquals(5, source.latest().orElseThrow().round());
        }
    }

    @Test
    void refusesMalformedAndOversizedPointersNamingTheStore() throws Exception {
        try (ObjectStore store = ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults())) {
            StoreBaseRevisionSource source = new StoreBaseRevisionSource(store, Duration.ZERO, clock);
            Files.writeString(dir.resolve("latest"), "{\"revision\":\"xyz\",\"round\":1}");
            BaseRevisionException e = assertThrows(BaseRevisionException.class, source::latest);
            assertTrue(e.getMessage().startsWith("latest in " + store.location() + ": latest pointer"), e.getMessage());
            Files.writeString(dir.resolve("latest"), " ".repeat(LatestPointer.MAX_BYTES + 1));
            assertThrows(BaseRevisionException.class, source::latest);
        }
    }
}
