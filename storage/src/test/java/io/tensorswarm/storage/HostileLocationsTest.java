package io.tensorswarm.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Locations as a hostile miner would commit them: every malformed one is a one-line {@link
 * StorageException} from {@link ObjectStores#open(String, StorageOptions)} (never another exception
 * type), and no opening creates anything on disk.
 */
@Timeout(30)
class HostileLocationsTest {
    @TempDir
    Path tmp;

    @ParameterizedTest
    @ValueSource(strings = {
        "file://{tmp}/store#fragment",
        "file://{tmp}/store?query=1",
        "file://{tmp}/store%00evil",
        "file://{tmp}/st%00/ore",
        "file:relative/path",
        "file:store",
        "file:{tmp}/no-slashes",
        "file://{tmp}/../escape",
        "file://{tmp}/a/../../escape",
        "file://{tmp}/./store",
        "file://{tmp}//store",
        "file://localhost{tmp}/store",
        "file://user@{tmp}/store",
        "file:///",
        "file://{tmp}/%C3%28",
        "file://{tmp}/%E2%80%AEevil",
        "file://{tmp}/back%5Cslash",
        "file://{tmp}/%ZZ",
        "file://{tmp}/{long-name}",
        "file://{tmp}/{long-path}",
        "file://{tmp}/{very-long}",
        "s3://bucket-name/prefix#fragment",
        "s3://bucket-name/prefix?versionId=1",
        "s3://bucket-name/pre%00fix",
        "s3://bucket-name/../x",
        "s3:bucket-name",
        "hf://owner/repo/pre%00fix",
        "hf://owner/repo#fragment",
        "hf:owner/repo",
        "gopher://example.org/x",
        "",
        "  ",
    })
    void aCraftedLocationIsAOneLineStorageErrorAndCreatesNothing(String template) throws Exception {
        String location = template.replace("{tmp}", tmp.toString())
                .replace("{long-name}", "n".repeat(300))
                .replace("{long-path}", "ééééééé/".repeat(300))
                .replace("{very-long}", "x".repeat(ObjectStores.MAX_LOCATION_LENGTH));
        StorageException e = assertThrows(StorageException.class, () -> {
            try (ObjectStore store = ObjectStores.open(location, StorageOptions.defaults())) {
                store.stat("rounds/1/alice/manifest.json");
            }
        });
        assertEquals(StorageException.Kind.CONFIGURATION, e.kind(), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), e.getMessage());
        assertTrue(e.getMessage().length() < 400, e.getMessage());
        assertEmpty(tmp);
    }

    @Test
    void aPlainPathNulCharacterIsAStorageErrorNotAnInvalidPathException() {
        StorageException e = assertThrows(StorageException.class,
                () -> ObjectStores.open("store\0evil", StorageOptions.defaults()));
        assertEquals(StorageException.Kind.CONFIGURATION, e.kind());
    }

    @Test
    void openingAndReadingAMissingDirectoryCreatesNothing() throws Exception {
        Path missing = tmp.resolve("no/such/dir");
        try (ObjectStore store = ObjectStores.open(missing.toUri().toString(), StorageOptions.defaults())) {
            assertTrue(store.stat("rounds/1/alice/manifest.json").isEmpty());
            assertEquals(List.of(), store.list(""));
            StorageException e = assertThrows(StorageException.class,
                    () -> store.getBytes(GetRequest.of("rounds/1/alice/manifest.json", 100)));
            assertEquals(StorageException.Kind.NOT_FOUND, e.kind());
            assertTrue(store.readPointer("latest").isEmpty());
        }
        assertEmpty(tmp);
    }

    @Test
    void aUnicodeDirectoryIsAnOrdinaryLocation() throws Exception {
        Path dir = tmp.resolve("délta-存储");
        try (ObjectStore store = ObjectStores.open(dir.toUri().toString(), StorageOptions.defaults())) {
            assertTrue(store.stat("latest").isEmpty());
            assertEmpty(tmp);
            store.setPointer("latest", "r1");
        }
        assertTrue(Files.isRegularFile(dir.resolve("latest")));
        // the same directory written with literal (not escaped) characters
        try (ObjectStore store = ObjectStores.open("file://" + dir, StorageOptions.defaults())) {
            assertEquals("r1", store.readPointer("latest").orElseThrow());
        }
    }

    @Test
    void aStoreIsCreatedByItsFirstPutNotByOpening() throws Exception {
        Path dir = tmp.resolve("mine");
        try (ObjectStore store = ObjectStores.open(dir.toString(), StorageOptions.defaults())) {
            assertFalse(Files.exists(dir));
            store.put(PutRequest.ofBytes("rounds/1/alice/manifest.json", new byte[] {'{', '}'}));
        }
        assertTrue(Files.isRegularFile(dir.resolve("rounds/1/alice/manifest.json")));
    }

    private static void assertEmpty(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            assertEquals(List.of(), s.toList(), "nothing may be created under " + dir);
        }
    }
}
