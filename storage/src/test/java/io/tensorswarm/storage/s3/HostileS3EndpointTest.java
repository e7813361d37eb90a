package io.tensorswarm.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.RawHttpServer;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A miner's S3 location may point at a server that lies. Each case must end in a one-line
 * {@link StorageException} of the right kind, within the caps and timeouts, with no file left.
 */
class HostileS3EndpointTest {
    private static final String ETAG =
            "ETag: \"0123456789abcdef0123456789abcdef\"";

    @TempDir
    Path dir;

    private StorageException fetch(RawHttpServer.Handler get, long declaredSize, long cap) throws Exception {
        try (RawHttpServer server = new RawHttpServer((req, out) -> {
                    if (req.method().equals("HEAD")) {
                        RawHttpServer.head(out, "200 OK", "Content-Length: " + declaredSize, ETAG,
                                "Last-Modified: Sun, 22 Nov 2026 10:00:00 GMT");
                    } else {
                        get.handle(req, out);
                    }
                });
                ObjectStore store = ObjectStores.open("s3://miner-bucket/deltas", StorageOptions.builder()
                        .optS3Endpoint(server.uri())
                        .optS3PathStyle(true)
                        .optS3Region("us-east-1")
                        .optS3Credentials("a", "b")
                        .optCacheDir(dir.resolve("cache"))
                        .optMaxAttempts(1)
                        .optReadTimeout(Duration.ofMillis(400))
                        .optMinBytesPerSecond(2_000)
                        .build())) {
            Path target = dir.resolve("delta.safetensors");
            StorageException e = assertThrows(StorageException.class,
                    () -> store.get(GetRequest.builder().setKey("rounds/1/m/delta.safetensors").optMaxBytes(cap).build(), target));
            assertFalse(Files.exists(target), "no file may appear");
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
            return e;
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void closingTheStoreEndsARequestHungOnASilentServerAtOnce() throws Exception {
        try (RawHttpServer server = new RawHttpServer((req, out) -> Thread.sleep(60_000))) {
            ObjectStore store = ObjectStores.open("s3://miner-bucket/deltas", StorageOptions.builder()
                    .optS3Endpoint(server.uri()).optS3PathStyle(true).optS3Region("us-east-1").optS3Credentials("a", "b")
                    .optCacheDir(dir.resolve("cache")).optMaxAttempts(5).optReadTimeout(Duration.ofSeconds(60)).build());
            java.util.concurrent.CompletableFuture<Throwable> failure = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                try {
                    store.getBytes(GetRequest.of("rounds/1/m/manifest.json", 100));
                    return null;
                } catch (RuntimeException e) {
                    return e;
                }
            });
            while (server.requests().isEmpty()) {
                Thread.sleep(10);
            }
            long start = System.nanoTime();
            store.close();
            Throwable e = failure.get(5, java.util.concurrent.TimeUnit.SECONDS);
            assertTrue(e != null, "the hung read must fail");
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    void objectDeclaredAboveTheCapIsRefusedWithoutAGet() throws Exception {
        StorageException e = fetch((req, out) -> {
            throw new AssertionError("GET must not be sent");
        }, 10L << 30, 1 << 20);
        assertEquals(Kind.TOO_LARGE, e.kind());
        assertTrue(e.getMessage().contains("10737418240 bytes"), e.getMessage());
    }

    @Test
    void endlessBodyIsCutAtTheDeclaredSize() throws Exception {
        StorageException e = fetch((req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Transfer-Encoding: chunked", "Content-Range: bytes 0-99/100");
            byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes();
            for (int i = 0; i < 1_000_000; i++) {
                out.write(chunk);
            }
        }, 100, 1 << 20);
        assertEquals(Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("more than the 100 bytes"), e.getMessage());
    }

    @Test
    void slowLorisSenderIsCutOff() throws Exception {
        StorageException e = fetch((req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 100", "Content-Range: bytes 0-99/100");
            for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        }, 100, 1 << 20);
        assertEquals(Kind.TIMEOUT, e.kind());
        assertTrue(e.getMessage().contains("too slow"), e.getMessage());
    }

    @Test
    void stalledSenderTimesOut() throws Exception {
        StorageException e = fetch((req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 100", "Content-Range: bytes 0-99/100");
            out.write("abc".getBytes());
            out.flush();
            Thread.sleep(5_000);
        }, 100, 1 << 20);
        assertEquals(Kind.TIMEOUT, e.kind());
    }

    @Test
    void shortBodyIsNotAcceptedAsTheObject() throws Exception {
        StorageException e = fetch((req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 100", "Content-Range: bytes 0-99/100");
            out.write("only ten b".getBytes());
        }, 100, 1 << 20);
        assertEquals(Kind.UNAVAILABLE, e.kind());
    }

    @Test
    void redirectElsewhereIsNotFollowed() throws Exception {
        StorageException e = fetch((req, out) ->
                RawHttpServer.head(out, "307 Temporary Redirect", "Location: http://169.254.169.254/latest/meta-data/", "Content-Length: 0"),
                100, 1 << 20);
        assertEquals(Kind.PROTOCOL, e.kind());
    }
}
