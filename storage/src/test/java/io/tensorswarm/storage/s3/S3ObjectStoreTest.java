package io.tensorswarm.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.TestFiles;
import io.tensorswarm.storage.transfer.Hex;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/** The S3 backend against a real S3 server (s3proxy) running in this JVM. */
class S3ObjectStoreTest {
    private static final int MIB = 1 << 20;

    @TempDir
    static Path serverDir;

    static S3TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void startServer() throws Exception {
        server = new S3TestServer(serverDir);
        try (S3ObjectStore store = new S3ObjectStore(S3Location.parse(java.net.URI.create("s3://test-bucket")), server.options(serverDir.resolve("unused")))) {
            store.createBucketIfMissing();
        }
    }

    @AfterAll
    static void stopServer() throws Exception {
        server.close();
    }

    private ObjectStore open(TestInfo test) {
        return open(test, server.options(dir.resolve("cache")));
    }

    private ObjectStore open(TestInfo test, StorageOptions options) {
        return ObjectStores.open("s3://test-bucket/" + test.getTestMethod().orElseThrow().getName(), options);
    }

    private StorageOptions multipartOptions(int parallelism) {
        return server.options(dir.resolve("cache")).toBuilder()
                .optS3PartSize(5 * MIB)
                .optS3MultipartThreshold(6 * MIB)
                .optParallelism(parallelism)
                .build();
    }

    @Test
    void smallObjectRoundTripsWithItsSha256Recorded(TestInfo test) {
        try (ObjectStore store = open(test)) {
            byte[] data = "hello delta".getBytes(StandardCharsets.UTF_8);
            ObjectInfo put = store.put(PutRequest.ofBytes("rounds/1/alice/manifest.json", data));
            assertEquals(Hex.sha256Hex(data), put.sha256());
            ObjectInfo stat = store.stat("rounds/1/alice/manifest.json").orElseThrow();
            assertEquals(11, stat.size());
            assertEquals(Hex.sha256Hex(data), stat.sha256());
            assertArrayEquals(data, store.getBytes(GetRequest.of("rounds/1/alice/manifest.json", 100)));
        }
    }

    @Test
    void largeFileGoesUpInParallelPartsAndComesBackVerified(TestInfo test) throws Exception {
        Path src = dir.resolve("big.bin");
        byte[] data = TestFiles.write(src, 12 * MIB + 3, 7);
        AtomicLong sent = new AtomicLong();
        try (ObjectStore store = open(test, multipartOptions(3))) {
            ObjectInfo put = store.put(PutRequest.builder().setKey("models/r1/model.safetensors").setFile(src).optListener(sent::addAndGet).build());
            assertEquals(12 * MIB + 3, put.size());
            assertEquals(12 * MIB + 3, sent.get());
            assertTrue(put.version().endsWith("-3\""), "three-part ETag, got " + put.version());
            Path out = dir.resolve("out/model.safetensors");
            ObjectInfo got = store.get(GetRequest.builder().setKey("models/r1/model.safetensors").optExpectedSha256(Hex.sha256Hex(data)).build(), out);
            assertEquals(Hex.sha256Hex(data), got.sha256());
            assertArrayEquals(data, Files.readAllBytes(out));
            assertFalse(Files.exists(dir.resolve("out/model.safetensors.part")));
        }
    }

    @Test
    void rangedGetAcrossAPartBoundaryReturnsExactlyThoseBytes(TestInfo test) throws Exception {
        Path src = dir.resolve("big.bin");
        byte[] data = TestFiles.write(src, 11 * MIB, 8);
        try (ObjectStore store = open(test, multipartOptions(2))) {
            store.put(PutRequest.ofFile("obj", src));
            int from = 5 * MIB - 10;
            byte[] range = store.getBytes(GetRequest.builder().setKey("obj").optRange(from, 20).build());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, from, from + 20), range);
            byte[] tail = store.getBytes(GetRequest.builder().setKey("obj").optRange(11 * MIB - 5, -1).build());
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 11 * MIB - 5, 11 * MIB), tail);
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aHeaderReadFetchesOnlyItsRangeAndFailsFastOnAnObjectOfAnotherSize(TestInfo test) throws Exception {
        Path src = dir.resolve("big.bin");
        byte[] data = TestFiles.write(src, 11 * MIB, 9);
        try (ObjectStore store = open(test, multipartOptions(2))) {
            store.put(PutRequest.ofFile("rounds/1/alice/delta.safetensors", src));
            AtomicLong received = new AtomicLong();
            GetRequest head = GetRequest.builder().setKey("rounds/1/alice/delta.safetensors").optRange(0, 16).optMaxBytes(16)
                    .optExpectedSize(11 * MIB).optListener(received::addAndGet).build();
            assertArrayEquals(java.util.Arrays.copyOfRange(data, 0, 16), store.getBytes(head));
            assertEquals(16, received.get(), "only the range crossed the wire");
            StorageException e = assertThrows(StorageException.class, () -> store.getBytes(head.toBuilder().optExpectedSize(11 * MIB + 1).build()));
            assertEquals(Kind.INTEGRITY, e.kind());
            assertEquals(16, received.get(), "a size mismatch is found before any byte is read");
        }
    }

    @Test
    void listReturnsKeysUnderThePrefixRelativeToTheLocation(TestInfo test) {
        try (ObjectStore store = open(test)) {
            store.put(PutRequest.ofBytes("rounds/3/bob/delta.safetensors", new byte[] {1}));
            store.put(PutRequest.ofBytes("rounds/3/alice/delta.safetensors", new byte[] {1, 2}));
            store.put(PutRequest.ofBytes("rounds/4/alice/delta.safetensors", new byte[] {1, 2, 3}));
            List<ObjectInfo> round3 = store.list("rounds/3/");
            assertEquals(List.of("rounds/3/alice/delta.safetensors", "rounds/3/bob/delta.safetensors"),
                    round3.stream().map(ObjectInfo::key).toList());
            assertEquals(2, round3.get(0).size());
            assertEquals(3, store.list("").size());
        }
    }

    @Test
    void deleteRemovesTheObjectAndDeletingAgainIsFine(TestInfo test) {
        try (ObjectStore store = open(test)) {
            store.put(PutRequest.ofBytes("a/b", new byte[] {9}));
            store.delete("a/b");
            assertTrue(store.stat("a/b").isEmpty());
            store.delete("a/b");
            StorageException e = assertThrows(StorageException.class, () -> store.getBytes(GetRequest.of("a/b", 10)));
            assertEquals(Kind.NOT_FOUND, e.kind());
        }
    }

    @Test
    void pointerUpdateReplacesLatest(TestInfo test) {
        try (ObjectStore store = open(test)) {
            assertTrue(store.readPointer("latest").isEmpty());
            store.setPointer("latest", "rev-1");
            store.setPointer("latest", "rev-2");
            assertEquals("rev-2", store.readPointer("latest").orElseThrow());
        }
    }

    @Test
    void objectAboveTheCapIsRefusedBeforeReading(TestInfo test) {
        try (ObjectStore store = open(test)) {
            store.put(PutRequest.ofBytes("x", new byte[100]));
            AtomicLong read = new AtomicLong();
            StorageException e = assertThrows(StorageException.class,
                    () -> store.get(GetRequest.builder().setKey("x").optMaxBytes(99).optListener(read::addAndGet).build(), dir.resolve("x")));
            assertEquals(Kind.TOO_LARGE, e.kind());
            assertEquals(0, read.get());
            assertFalse(Files.exists(dir.resolve("x")));
        }
    }

    @Test
    void wrongExpectedHashFailsAndLeavesNoFile(TestInfo test) {
        try (ObjectStore store = open(test)) {
            store.put(PutRequest.ofBytes("x", new byte[] {1, 2, 3}));
            StorageException e = assertThrows(StorageException.class, () -> store.get(
                    GetRequest.builder().setKey("x").optExpectedSha256(Hex.sha256Hex(new byte[] {1, 2, 4})).build(), dir.resolve("x")));
            assertEquals(Kind.INTEGRITY, e.kind());
            assertFalse(Files.exists(dir.resolve("x")));
            assertFalse(Files.exists(dir.resolve("x.part")));
        }
    }

    @Test
    void wrongSecretIsAccessDeniedAndNotRetried(TestInfo test) {
        StorageOptions bad = server.options(dir).toBuilder().optS3Credentials(S3TestServer.ACCESS_KEY, "wrong-secret").build();
        try (ObjectStore store = open(test, bad)) {
            StorageException e = assertThrows(StorageException.class, () -> store.put(PutRequest.ofBytes("x", new byte[] {1})));
            assertEquals(Kind.ACCESS_DENIED, e.kind());
            assertFalse(e.retryable());
            assertFalse(e.getMessage().contains("wrong-secret"));
        }
    }

    @Test
    void uploadResumesWithTheMissingPartsAfterTheServerDiesMidTransfer(TestInfo test) throws Exception {
        Path src = dir.resolve("big.bin");
        byte[] data = TestFiles.write(src, 15 * MIB + 11, 9);
        AtomicLong firstCall = new AtomicLong();
        try (ObjectStore store = open(test, multipartOptions(1))) {
            StorageException e = assertThrows(StorageException.class, () -> store.put(PutRequest.builder().setKey("d").setFile(src)
                    .optListener(n -> {
                        if (firstCall.addAndGet(n) == 5 * MIB) {
                            killServer();
                        }
                    }).build()));
            assertTrue(e.retryable(), e.getMessage());
            assertEquals(5 * MIB, firstCall.get());
            server.start();
            AtomicLong secondCall = new AtomicLong();
            ObjectInfo put = store.put(PutRequest.builder().setKey("d").setFile(src).optListener(secondCall::addAndGet).build());
            assertEquals(10 * MIB + 11, secondCall.get());
            assertEquals(Hex.sha256Hex(data), put.sha256());
            assertArrayEquals(data, store.getBytes(GetRequest.of("d", 16 * MIB)));
        } finally {
            ensureStarted();
        }
    }

    @Test
    void downloadResumesFromThePartialFileAfterTheServerDiesMidTransfer(TestInfo test) throws Exception {
        Path src = dir.resolve("big.bin");
        byte[] data = TestFiles.write(src, 9 * MIB, 10);
        Path out = dir.resolve("got.bin");
        try (ObjectStore store = open(test, multipartOptions(2))) {
            store.put(PutRequest.ofFile("d", src));
            AtomicLong firstCall = new AtomicLong();
            StorageException e = assertThrows(StorageException.class, () -> store.get(GetRequest.builder().setKey("d")
                    .optListener(n -> {
                        if (firstCall.getAndAdd(n) < MIB && firstCall.get() >= MIB) {
                            killServer();
                        }
                    }).build(), out));
            assertTrue(e.retryable(), e.getMessage());
            long partial = Files.size(dir.resolve("got.bin.part"));
            assertTrue(partial >= MIB && partial < 9 * MIB, "partial " + partial);
            server.start();
            AtomicLong secondCall = new AtomicLong();
            store.get(GetRequest.builder().setKey("d").optExpectedSha256(Hex.sha256Hex(data)).optListener(secondCall::addAndGet).build(), out);
            assertEquals(9 * MIB - partial, secondCall.get());
            assertArrayEquals(data, Files.readAllBytes(out));
        } finally {
            ensureStarted();
        }
    }

    private static void killServer() {
        try {
            server.stop();
        } catch (Exception ex) {
            throw new IllegalStateException(ex);
        }
    }

    private static void ensureStarted() throws Exception {
        server.start();
    }
}
