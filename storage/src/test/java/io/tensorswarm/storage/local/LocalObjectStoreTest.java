package io.tensorswarm.storage.local;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.TestFiles;
import io.tensorswarm.storage.transfer.Hex;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalObjectStoreTest {
    @TempDir
    Path dir;

    @Test
    void putGetStatListDeleteRoundTrip() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir.resolve("root"), StorageOptions.defaults())) {
            Path src = dir.resolve("src.bin");
            byte[] data = TestFiles.write(src, 70_000, 1);
            ObjectInfo put = store.put(PutRequest.ofFile("rounds/2/alice/delta.safetensors", src));
            assertEquals(Hex.sha256Hex(data), put.sha256());
            store.put(PutRequest.ofBytes("rounds/2/alice/manifest.json", new byte[] {'{', '}'}));
            assertEquals(List.of("rounds/2/alice/delta.safetensors", "rounds/2/alice/manifest.json"),
                    store.list("rounds/2/").stream().map(ObjectInfo::key).toList());
            Path out = dir.resolve("out.bin");
            ObjectInfo got = store.get(GetRequest.builder().setKey("rounds/2/alice/delta.safetensors").optExpectedSha256(Hex.sha256Hex(data)).build(), out);
            assertEquals(70_000, got.size());
            assertArrayEquals(data, Files.readAllBytes(out));
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 10, 15),
                    store.getBytes(GetRequest.builder().setKey("rounds/2/alice/delta.safetensors").optRange(10, 5).build()));
            store.delete("rounds/2/alice/delta.safetensors");
            assertTrue(store.stat("rounds/2/alice/delta.safetensors").isEmpty());
        }
    }

    @Test
    void listHidesUnfinishedTemporaryFiles() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir, StorageOptions.defaults())) {
            Files.write(dir.resolve(".latest.tmp-123"), new byte[] {1});
            store.setPointer("latest", "r1");
            assertEquals(List.of("latest"), store.list("").stream().map(ObjectInfo::key).toList());
            assertEquals("r1", store.readPointer("latest").orElseThrow());
        }
    }

    @Test
    void aPutSweepsTemporaryFilesLeftByAKilledWriterButNotFreshOnes() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir, StorageOptions.defaults())) {
            Path stale = dir.resolve(".latest.tmp-killed");
            Path fresh = dir.resolve(".latest.tmp-writing");
            Files.write(stale, new byte[] {1});
            Files.write(fresh, new byte[] {2});
            Files.setLastModifiedTime(stale, java.nio.file.attribute.FileTime.fromMillis(
                    System.currentTimeMillis() - LocalObjectStore.STALE_TEMP_AGE.toMillis() - 60_000));
            store.setPointer("latest", "r1");
            assertFalse(Files.exists(stale), "a temporary file older than the stale age is removed");
            assertTrue(Files.exists(fresh), "a temporary file another writer may still be filling is kept");
            assertEquals("r1", store.readPointer("latest").orElseThrow());
        }
    }

    @Test
    void refusesToFollowASymbolicLinkOutOfTheRoot() throws Exception {
        Path root = dir.resolve("root");
        Path outside = dir.resolve("outside");
        Files.createDirectories(outside);
        Files.write(outside.resolve("secret"), new byte[] {42});
        try (LocalObjectStore store = new LocalObjectStore(root, StorageOptions.defaults())) {
            Files.createDirectories(root); // opening creates nothing; the miner's store exists already
            Files.createSymbolicLink(root.resolve("link"), outside);
            StorageException read = assertThrows(StorageException.class, () -> store.stat("link/secret"));
            assertEquals(Kind.INVALID_KEY, read.kind());
            StorageException write = assertThrows(StorageException.class, () -> store.put(PutRequest.ofBytes("link/new", new byte[] {1})));
            assertEquals(Kind.INVALID_KEY, write.kind());
            assertFalse(Files.exists(outside.resolve("new")));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void aHeaderReadFetchesOnlyItsRangeAndFailsFastOnAnObjectOfAnotherSize() throws Exception {
        try (LocalObjectStore store = new LocalObjectStore(dir.resolve("root"), StorageOptions.defaults())) {
            Path src = dir.resolve("src.bin");
            byte[] data = TestFiles.write(src, 200_000, 3);
            store.put(PutRequest.ofFile("rounds/1/alice/delta.safetensors", src));
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            GetRequest head = GetRequest.builder().setKey("rounds/1/alice/delta.safetensors").optRange(0, 16).optMaxBytes(16)
                    .optExpectedSize(data.length).optListener(received::addAndGet).build();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 16), store.getBytes(head));
            assertEquals(16, received.get());
            StorageException e = assertThrows(StorageException.class,
                    () -> store.getBytes(head.toBuilder().optExpectedSize(data.length - 1).build()));
            assertEquals(Kind.INTEGRITY, e.kind());
            assertEquals(16, received.get());
        }
    }

    @Test
    void refusesTraversalKeysBeforeTouchingTheDisk() {
        try (LocalObjectStore store = new LocalObjectStore(dir.resolve("root"), StorageOptions.defaults())) {
            StorageException e = assertThrows(StorageException.class, () -> store.getBytes(GetRequest.of("../../etc/passwd", 100)));
            assertEquals(Kind.INVALID_KEY, e.kind());
        }
    }
}
