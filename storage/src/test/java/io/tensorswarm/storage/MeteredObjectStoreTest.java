package io.tensorswarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.tensorswarm.common.ops.DaemonMetrics;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MeteredObjectStoreTest {
    @TempDir Path dir;

    private static String scrape(DaemonMetrics metrics) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, metrics.registry().scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void bytesMovedAndStorageErrorsAreCounted() throws Exception {
        DaemonMetrics metrics = DaemonMetrics.unexported();
        try (ObjectStore store = new MeteredObjectStore(
                ObjectStores.open(dir.resolve("store").toUri().toString(), StorageOptions.defaults()), metrics)) {
            store.put(PutRequest.ofBytes("a/b.bin", new byte[1000]));
            Path file = dir.resolve("file.bin");
            Files.write(file, new byte[24]);
            store.put(PutRequest.ofFile("a/c.bin", file));
            store.setPointer("latest", "abc");
            assertEquals(1000, store.getBytes(GetRequest.of("a/b.bin", 4096)).length);
            store.get(GetRequest.of("a/c.bin", 4096), dir.resolve("copy.bin"));
            assertEquals("abc", store.readPointer("latest").orElseThrow());
            StorageException tooLarge = assertThrows(StorageException.class, () -> store.getBytes(GetRequest.of("a/b.bin", 10)));
            assertEquals(StorageException.Kind.TOO_LARGE, tooLarge.kind());

            String text = scrape(metrics);
            assertTrue(text.contains("tensorswarm_bytes_uploaded_total 1027.0"), text);
            assertTrue(text.contains("tensorswarm_bytes_downloaded_total 1027.0"), text);
            assertTrue(text.contains("tensorswarm_errors_total{kind=\"storage_too_large\"} 1.0"), text);
        }
    }
}
