package io.tensorswarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.storage.local.LocalObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObjectStoresTest {
    @TempDir
    Path dir;

    @Test
    void findsEveryBackendThroughTheServiceLoader() {
        assertTrue(ObjectStores.providers().keySet().containsAll(java.util.List.of("file", "s3")), ObjectStores.providers().keySet().toString());
    }

    @Test
    void plainPathsAndFileUrisOpenTheLocalBackend() {
        try (ObjectStore a = ObjectStores.open(dir.resolve("a").toString(), StorageOptions.defaults());
                ObjectStore b = ObjectStores.open(dir.resolve("b").toUri().toString(), StorageOptions.defaults())) {
            assertInstanceOf(LocalObjectStore.class, a);
            assertInstanceOf(LocalObjectStore.class, b);
            assertTrue(Files.notExists(dir.resolve("b")), "opening creates nothing");
        }
    }

    @Test
    void unknownSchemeNamesTheInstalledOnes() {
        StorageException e = assertThrows(StorageException.class, () -> ObjectStores.open("gs://bucket/x", StorageOptions.defaults()));
        assertEquals(StorageException.Kind.CONFIGURATION, e.kind());
        assertTrue(e.getMessage().contains("file"), e.getMessage());
    }

    @Test
    void environmentAndDotEnvFillTheOptionsWithRealEnvironmentWinning() throws Exception {
        Path env = dir.resolve(".env");
        Files.writeString(env, "# comment\nexport AWS_ENDPOINT_URL=http://127.0.0.1:9000\nHF_TOKEN='hf_file'\nAWS_REGION=eu-west-1\n");
        StorageOptions o = StorageOptions.fromEnvironment(DotEnv.merge(Map.of("HF_TOKEN", "hf_env", "AWS_ENDPOINT_URL_S3", "http://s3.local:9001"), env));
        assertEquals("http://s3.local:9001", o.s3Endpoint().toString());
        assertEquals("hf_env", o.hfToken());
        assertEquals("eu-west-1", o.s3Region());
        assertTrue(!o.toString().contains("hf_env"), o.toString());
    }
}
