package io.tensorswarm.storage.hf;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A miner's {@code hf://} location is served by whatever endpoint the miner names; these servers
 * misbehave on purpose. Every case must fail with a one-line error of the right kind, in bounded
 * time, without leaving a file or sending the token anywhere but the endpoint.
 */
class HostileHubTest {
    private static final String SHA = "a".repeat(64);
    private static final String COMMIT = "b".repeat(40);

    @TempDir
    Path dir;

    private StorageException fetch(RawHttpServer.Handler handler, long cap) throws Exception {
        try (RawHttpServer server = new RawHttpServer(handler);
                ObjectStore store = ObjectStores.open("hf://miner/deltas", options(server))) {
            Path target = dir.resolve("delta.safetensors");
            StorageException e = assertThrows(StorageException.class,
                    () -> store.get(GetRequest.builder().setKey("rounds/1/m/delta.safetensors").optMaxBytes(cap).build(), target));
            assertFalse(Files.exists(target));
            assertEquals(-1, e.getMessage().indexOf('\n'), e.getMessage());
            assertFalse(e.getMessage().contains("hf_secret"));
            for (RawHttpServer.Request r : server.requests()) {
                if (r.target().startsWith("/cdn")) {
                    assertEquals(null, r.header("Authorization"), "token sent to storage");
                }
            }
            return e;
        }
    }

    private StorageOptions options(RawHttpServer server) {
        return StorageOptions.builder()
                .optHfEndpoint(server.uri())
                .optHfToken("hf_secret")
                .optHfRedirectHosts(List.of("localhost"))
                .optCacheDir(dir.resolve("cache"))
                .optMaxAttempts(1)
                .optReadTimeout(Duration.ofMillis(400))
                .optMinBytesPerSecond(2_000)
                .build();
    }

    /** A Hub whose resolve answers a 302 to {@code location} (a path means the allowed CDN host {@code localhost}). */
    private static RawHttpServer.Handler lfs(long declaredSize, String location, RawHttpServer.Handler cdn) {
        return (req, out) -> {
            if (req.method().equals("HEAD")) {
                String port = req.header("Host").substring(req.header("Host").indexOf(':') + 1);
                String target = location.startsWith("/") ? "http://localhost:" + port + location : location;
                RawHttpServer.head(out, "302 Found", "Location: " + target, "X-Repo-Commit: " + COMMIT,
                        "X-Linked-Etag: \"" + SHA + "\"", "X-Linked-Size: " + declaredSize, "Content-Length: 0");
            } else {
                cdn.handle(req, out);
            }
        };
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void closingTheStoreEndsARequestHungOnASilentServerAtOnce() throws Exception {
        try (RawHttpServer server = new RawHttpServer((req, out) -> Thread.sleep(60_000))) {
            ObjectStore store = ObjectStores.open("hf://miner/deltas", options(server).toBuilder()
                    .optReadTimeout(Duration.ofSeconds(60)).optMaxAttempts(5).build());
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
            assertTrue(e instanceof StorageException, String.valueOf(e));
            assertTrue(System.nanoTime() - start < 5_000_000_000L);
        }
    }

    @Test
    void redirectToAHostOutsideTheAllowListIsRefused() throws Exception {
        StorageException e = fetch(lfs(10, "http://169.254.169.254/latest/meta-data", (req, out) -> {
            throw new AssertionError("must not download");
        }), 1 << 20);
        assertEquals(Kind.PROTOCOL, e.kind());
        assertTrue(e.getMessage().contains("refused redirect to foreign host 169.254.169.254"), e.getMessage());
    }

    @Test
    void declaredSizeAboveTheCapIsRefusedBeforeDownloading() throws Exception {
        StorageException e = fetch(lfs(50L << 30, "/cdn/x", (req, out) -> {
            throw new AssertionError("must not download");
        }), 1 << 20);
        assertEquals(Kind.TOO_LARGE, e.kind());
    }

    @Test
    void endlessCdnBodyIsCutAtTheDeclaredSize() throws Exception {
        StorageException e = fetch(lfs(100, "/cdn/x", (req, out) -> {
            RawHttpServer.head(out, "200 OK", "Transfer-Encoding: chunked");
            byte[] chunk = ("400\r\n" + "x".repeat(1024) + "\r\n").getBytes();
            for (int i = 0; i < 1_000_000; i++) {
                out.write(chunk);
            }
        }), 1 << 20);
        assertEquals(Kind.PROTOCOL, e.kind());
    }

    @Test
    void bytesThatDoNotMatchTheLinkedEtagAreRejected() throws Exception {
        StorageException e = fetch(lfs(4, "/cdn/x", (req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 4", "Content-Range: bytes 0-3/4");
            out.write("evil".getBytes());
        }), 1 << 20);
        assertEquals(Kind.INTEGRITY, e.kind());
        assertFalse(Files.exists(dir.resolve("delta.safetensors.part")));
    }

    @Test
    void slowLorisCdnIsCutOff() throws Exception {
        StorageException e = fetch(lfs(100, "/cdn/x", (req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 100", "Content-Range: bytes 0-99/100");
            for (int i = 0; i < 100; i++) {
                out.write('x');
                out.flush();
                Thread.sleep(100);
            }
        }), 1 << 20);
        assertEquals(Kind.TIMEOUT, e.kind());
    }

    @Test
    void wrongContentRangeIsRejected() throws Exception {
        StorageException e = fetch(lfs(100, "/cdn/x", (req, out) -> {
            RawHttpServer.head(out, "206 Partial Content", "Content-Length: 100", "Content-Range: bytes 50-149/200");
            out.write(new byte[100]);
        }), 1 << 20);
        assertEquals(Kind.PROTOCOL, e.kind());
    }

    @Test
    void paginationLinkToAnotherHostIsRefused() throws Exception {
        try (RawHttpServer server = new RawHttpServer((req, out) -> {
                    byte[] body = "[{\"type\":\"file\",\"path\":\"a\",\"size\":1}]".getBytes();
                    RawHttpServer.head(out, "200 OK", "Content-Type: application/json", "Content-Length: " + body.length,
                            "Link: <http://localhost:1/api/models/miner/deltas/tree/main?cursor=2>; rel=\"next\"");
                    out.write(body);
                });
                ObjectStore store = ObjectStores.open("hf://miner/deltas", options(server))) {
            StorageException e = assertThrows(StorageException.class, () -> store.list(""));
            assertEquals(Kind.PROTOCOL, e.kind());
        }
    }

    @Test
    void listingSkipsPathsThatWouldEscape() throws Exception {
        try (RawHttpServer server = new RawHttpServer((req, out) -> {
                    byte[] body = ("[{\"type\":\"file\",\"path\":\"../../etc/passwd\",\"size\":1},"
                            + "{\"type\":\"file\",\"path\":\"ok.txt\",\"size\":2}]").getBytes();
                    RawHttpServer.head(out, "200 OK", "Content-Type: application/json", "Content-Length: " + body.length);
                    out.write(body);
                });
                ObjectStore store = ObjectStores.open("hf://miner/deltas", options(server))) {
            assertEquals(List.of("ok.txt"), store.list("").stream().map(i -> i.key()).toList());
        }
    }
}
