package io.tensorswarm.storage.s3;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.TestFiles;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Throttling and server errors from a real S3 server (through a fault-injecting proxy) are retried with backoff. */
class S3RetryTest {
    @TempDir
    Path dir;

    @Test
    void throttledAndFailingRequestsAreRetriedWithBackoff() throws Exception {
        try (S3TestServer server = new S3TestServer(Files.createDirectories(dir.resolve("s3")));
                FaultInjectingProxy proxy = new FaultInjectingProxy(server.endpoint())) {
            List<Duration> slept = new CopyOnWriteArrayList<>();
            StorageOptions options = server.options(dir.resolve("cache")).toBuilder()
                    .optS3Endpoint(proxy.uri())
                    .optBackoff(Duration.ofMillis(100), Duration.ofMillis(150))
                    .optSleeper(slept::add)
                    .optS3PartSize(5 << 20)
                    .optS3MultipartThreshold(6 << 20)
                    .optParallelism(1)
                    .build();
            try (S3ObjectStore store = new S3ObjectStore(S3Location.parse(URI.create("s3://retry-bucket/p")), options)) {
                store.createBucketIfMissing();
                Path src = dir.resolve("big.bin");
                byte[] data = TestFiles.write(src, (11 << 20) + 1, 12);
                proxy.inject("PUT /retry-bucket/p/big?partNumber=2", 503, "SlowDown");
                proxy.inject("PUT /retry-bucket/p/big?partNumber=2", 500, "InternalError");
                proxy.inject("GET /retry-bucket/p/big", 503, "ServiceUnavailable");
                store.put(PutRequest.ofFile("big", src));
                assertArrayEquals(data, store.getBytes(GetRequest.of("big", 12 << 20)));

                assertEquals(3, proxy.injected.size(), proxy.injected.toString());
                assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(150), Duration.ofMillis(100)), slept);
                assertEquals(3, proxy.requestLines.stream().filter(l -> l.startsWith("PUT /retry-bucket/p/big?partNumber=2")).count());

                for (int i = 0; i < 3; i++) {
                    proxy.inject("HEAD /retry-bucket/p/big", 503, "SlowDown");
                }
                StorageException e = org.junit.jupiter.api.Assertions.assertThrows(StorageException.class, () -> store.stat("big"));
                // A HEAD answer has no body, so S3's error code (SlowDown) is not visible: 503 reads as unavailable.
                assertEquals(StorageException.Kind.UNAVAILABLE, e.kind());
                assertEquals(true, e.retryable());
                assertEquals(3 + 2, slept.size(), "three attempts in all, so two more waits");
            }
        }
    }
}
