package io.tensorswarm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link BaseHistory}: the base of any past round, read from the append-only history on a real file store. */
@Timeout(30)
class BaseHistoryTest {
    private static final String A = "a".repeat(64);
    private static final String B = "b".repeat(64);
    private static final String C = "c".repeat(64);

    @TempDir Path tmp;

    private ObjectStore store() {
        return ObjectStores.open(tmp.resolve("store").toUri().toString(), StorageOptions.defaults());
    }

    @Test
    void everyPastRoundKeepsItsBaseAfterNewerOnesArePublished() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            assertEquals(Optional.empty(), h.forRound(3));
            h.append(new LatestPointer(A, 0));
            h.append(new LatestPointer(B, 4));
            h.append(new LatestPointer(C, 7));
            for (long r = 0; r < 10; r++) {
                String expected = r < 4 ? A : r < 7 ? B : C;
                assertEquals(expected, h.forRound(r).orElseThrow().revision(), "round " + r);
            }
            assertEquals(C, h.head().orElseThrow().revision());
            assertEquals(4, h.head().orElseThrow().previousRound());
        }
    }

    @Test
    void aStoreSeededBeforeTheHistoryExistedServesItsLatestFromItsRound() {
        try (ObjectStore store = store()) {
            store.put(PutRequest.ofBytes(StorageLayout.LATEST, new LatestPointer(A, 2).toJson()));
            BaseHistory h = new BaseHistory(store);
            assertEquals(Optional.empty(), h.forRound(1));
            assertEquals(A, h.forRound(2).orElseThrow().revision());
            h.append(new LatestPointer(B, 5));
            assertEquals(A, h.forRound(4).orElseThrow().revision());
            assertEquals(B, h.forRound(5).orElseThrow().revision());
        }
    }

    @Test
    void historyIsNeverRewritten() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            h.append(new LatestPointer(A, 3));
            h.append(new LatestPointer(A, 3)); // the same head again: a retried publish is harmless
            ProtocolException e = assertThrows(ProtocolException.class, () -> h.append(new LatestPointer(B, 3)));
            assertTrue(e.getMessage().contains("never rewritten"), e.getMessage());
            assertThrows(ProtocolException.class, () -> h.append(new LatestPointer(B, 2)));
            assertEquals(A, h.forRound(3).orElseThrow().revision());
        }
    }

    @Test
    void aBrokenOrTamperedHistoryIsAOneLineProtocolError() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            h.append(new LatestPointer(A, 0));
            h.append(new LatestPointer(B, 4));
            store.delete(StorageLayout.baseRecordKey(0));
            ProtocolException broken = assertThrows(ProtocolException.class, () -> h.forRound(1));
            assertTrue(broken.getMessage().contains("bases/0.json"), broken.getMessage());
            store.put(PutRequest.ofBytes(StorageLayout.LATEST, new LatestPointer(C, 4).toJson()));
            ProtocolException tampered = assertThrows(ProtocolException.class, () -> h.forRound(5));
            assertTrue(tampered.getMessage().contains("latest names revision"), tampered.getMessage());
            store.put(PutRequest.ofBytes(StorageLayout.baseRecordKey(4), "{\"round\":4}".getBytes()));
            store.put(PutRequest.ofBytes(StorageLayout.LATEST, new LatestPointer(B, 4).toJson()));
            assertThrows(ProtocolException.class, () -> h.forRound(5));
        }
    }

    /** Writes {@code json} as the object {@code key} of the store, as a hostile or damaged store would hold it. */
    private static void put(ObjectStore store, String key, String json) {
        store.put(PutRequest.ofBytes(key, json.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static void assertOneLineNaming(ProtocolException e, String... parts) {
        assertTrue(e.getMessage().lines().count() == 1, e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    @Timeout(30)
    void baseRecordWhoseRoundIsNotItsFileNamesRoundIsRefusedNamingTheFileAndField() {
        try (ObjectStore store = store()) {
            put(store, StorageLayout.baseRecordKey(4), "{\"previous_round\":-1,\"revision\":\"" + A + "\",\"round\":9}");
            put(store, StorageLayout.LATEST, "{\"revision\":\"" + A + "\",\"round\":4}");
            BaseHistory h = new BaseHistory(store);
            ProtocolException e = assertThrows(ProtocolException.class, () -> h.forRound(5));
            assertOneLineNaming(e, "bases/4.json", "field round is 9", "round 4");
        }
    }

    @Test
    @Timeout(30)
    void baseRecordWithARoundBeyondU32IsRefusedNamingTheFileAndField() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            h.append(new LatestPointer(A, 0));
            h.append(new LatestPointer(B, 4));
            put(store, StorageLayout.baseRecordKey(4),
                    "{\"previous_round\":5000000000,\"revision\":\"" + B + "\",\"round\":4}");
            ProtocolException previous = assertThrows(ProtocolException.class, () -> h.forRound(5));
            assertOneLineNaming(previous, "bases/4.json", "field previous_round is 5000000000", "4294967295");
            put(store, StorageLayout.LATEST, "{\"revision\":\"" + B + "\",\"round\":9223372036854775807}");
            ProtocolException latest = assertThrows(ProtocolException.class, h::head);
            assertOneLineNaming(latest, "latest", "field round is 9223372036854775807", "4294967295");
        }
    }

    @Test
    @Timeout(30)
    void baseRecordWithANegativeOrOutOfOrderPreviousRoundIsRefusedNamingTheField() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            h.append(new LatestPointer(A, 0));
            h.append(new LatestPointer(B, 4));
            put(store, StorageLayout.baseRecordKey(4), "{\"previous_round\":-7,\"revision\":\"" + B + "\",\"round\":4}");
            assertOneLineNaming(assertThrows(ProtocolException.class, () -> h.forRound(1)), "bases/4.json",
                    "field previous_round is -7");
            put(store, StorageLayout.baseRecordKey(4), "{\"previous_round\":4,\"revision\":\"" + B + "\",\"round\":4}");
            assertOneLineNaming(assertThrows(ProtocolException.class, () -> h.forRound(1)), "bases/4.json",
                    "field previous_round is 4");
        }
    }

    @Test
    @Timeout(30)
    void baseRecordWithAMalformedRevisionIsRefusedNamingTheFileAndField() {
        try (ObjectStore store = store()) {
            BaseHistory h = new BaseHistory(store);
            h.append(new LatestPointer(A, 0));
            h.append(new LatestPointer(B, 4));
            put(store, StorageLayout.baseRecordKey(0), "{\"previous_round\":-1,\"revision\":\"../../etc\\n\",\"round\":0}");
            ProtocolException e = assertThrows(ProtocolException.class, () -> h.forRound(1));
            assertOneLineNaming(e, "bases/0.json", "field revision is", "64 lowercase hex");
            put(store, StorageLayout.baseRecordKey(0), "{\"previous_round\":-1,\"revision\":\"" + A + "\",\"round\":1.5}");
            assertOneLineNaming(assertThrows(ProtocolException.class, () -> h.forRound(1)), "bases/0.json",
                    "field round is 1.5");
        }
    }
}
