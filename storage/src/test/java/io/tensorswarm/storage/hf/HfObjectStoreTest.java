package io.tensorswarm.storage.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
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
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Hub backend against {@link FakeHub}, asserting the requests' shapes as the Hub expects them. */
class HfObjectStoreTest {
    @TempDir
    Path dir;

    FakeHub hub;
    final List<Duration> slept = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    StorageOptions options(String token) {
        return StorageOptions.builder()
                .optHfEndpoint(hub.endpoint())
                .optHfToken(token)
                .optHfRedirectHosts(List.of("localhost"))
                .optCacheDir(dir.resolve("cache"))
                .optSleeper(slept::add)
                .optMaxAttempts(3)
                .optReadTimeout(Duration.ofSeconds(5))
                .build();
    }

    ObjectStore open(String location, String token) {
        return ObjectStores.open(location, options(token));
    }

    @Test
    void firstPutCreatesTheRepoAndCommitsASmallFileInline() throws Exception {
        try (ObjectStore store = open("hf://alice/deltas", FakeHub.WRITE_TOKEN)) {
            byte[] data = "{\"round\":3}".getBytes(StandardCharsets.UTF_8);
            ObjectInfo put = store.put(PutRequest.ofBytes("rounds/3/alice/manifest.json", data));
            assertEquals(Hex.sha256Hex(data), put.sha256());
            assertEquals(put.version(), hub.repos.get("model:alice/deltas").branches.get("main"));

            JsonNode create = FakeHub.JSON.readTree(hub.requests("POST", "/api/repos/create").get(0).body());
            assertEquals("deltas", create.path("name").asText());
            assertEquals("alice", create.path("organization").asText());
            assertEquals("Bearer " + FakeHub.WRITE_TOKEN, hub.requests("POST", "/api/repos/create").get(0).header("Authorization"));

            JsonNode pre = FakeHub.JSON.readTree(hub.requests("POST", "/api/models/alice/deltas/preupload/main").get(0).body());
            assertEquals("rounds/3/alice/manifest.json", pre.path("files").get(0).path("path").asText());
            assertEquals(11, pre.path("files").get(0).path("size").asInt());
            assertEquals(Base64.getEncoder().encodeToString(data), pre.path("files").get(0).path("sample").asText());

            FakeHub.Recorded commit = hub.requests("POST", "/api/models/alice/deltas/commit/main").get(0);
            assertEquals("application/x-ndjson", commit.header("Content-Type").split(";")[0]);
            String[] lines = commit.bodyText().split("\n");
            assertEquals(2, lines.length);
            assertEquals("header", FakeHub.JSON.readTree(lines[0]).path("key").asText());
            JsonNode op = FakeHub.JSON.readTree(lines[1]);
            assertEquals("file", op.path("key").asText());
            assertEquals("base64", op.path("value").path("encoding").asText());
            assertArrayEquals(data, Base64.getDecoder().decode(op.path("value").path("content").asText()));
            assertTrue(hub.requests("POST", ".*lfs.*").isEmpty(), "small files skip LFS");

            assertArrayEquals(data, store.getBytes(GetRequest.of("rounds/3/alice/manifest.json", 1000)));
        }
    }

    @Test
    void largeFileGoesThroughLfsMultipartWithoutTheTokenAndCommitsAPointer() throws Exception {
        hub.addRepo("model", "alice/deltas", false);
        Path src = dir.resolve("delta.safetensors");
        byte[] data = TestFiles.write(src, (7 << 20) / 2 + 5, 3);
        String sha = Hex.sha256Hex(data);
        try (ObjectStore store = open("hf://alice/deltas", FakeHub.WRITE_TOKEN)) {
            store.put(PutRequest.ofFile("rounds/5/alice/delta.safetensors", src));
        }
        FakeHub.Recorded batch = hub.requests("POST", "/alice/deltas.git/info/lfs/objects/batch").get(0);
        assertEquals("application/vnd.git-lfs+json", batch.header("Accept"));
        JsonNode b = FakeHub.JSON.readTree(batch.body());
        assertEquals("upload", b.path("operation").asText());
        assertEquals("[\"basic\",\"multipart\"]", b.path("transfers").toString());
        assertEquals("sha256", b.path("hash_algo").asText());
        assertEquals(sha, b.path("objects").get(0).path("oid").asText());
        assertEquals(data.length, b.path("objects").get(0).path("size").asLong());
        assertEquals("main", b.path("ref").path("name").asText());

        List<FakeHub.Recorded> parts = hub.requests("PUT", "/s3/part/.*");
        assertEquals(4, parts.size());
        parts.forEach(p -> assertNull(p.header("Authorization"), "token must not reach storage"));
        JsonNode complete = FakeHub.JSON.readTree(hub.requests("POST", "/s3/complete/.*").get(0).body());
        assertEquals(sha, complete.path("oid").asText());
        assertEquals(4, complete.path("parts").size());
        assertEquals(1, complete.path("parts").get(0).path("partNumber").asInt());
        assertEquals(1, hub.requests("POST", "/lfs-verify").size());

        JsonNode op = FakeHub.JSON.readTree(hub.requests("POST", "/api/models/alice/deltas/commit/main").get(0).bodyText().split("\n")[1]);
        assertEquals("lfsFile", op.path("key").asText());
        assertEquals(sha, op.path("value").path("oid").asText());
        assertEquals(data.length, op.path("value").path("size").asLong());
        assertArrayEquals(data, hub.lfsStore.get(sha));
    }

    @Test
    void alreadyStoredLfsContentIsNotUploadedAgain() throws Exception {
        hub.addRepo("model", "alice/deltas", false);
        byte[] data = TestFiles.bytes(5000, 4);
        try (ObjectStore store = open("hf://alice/deltas", FakeHub.WRITE_TOKEN)) {
            store.put(PutRequest.ofBytes("a.safetensors", data));
            store.put(PutRequest.ofBytes("b.safetensors", data));
        }
        assertEquals(1, hub.requests("PUT", "/s3/basic/.*").size());
        assertEquals(2, hub.requests("POST", "/api/models/alice/deltas/commit/main").size());
    }

    @Test
    void downloadFollowsTheCdnRedirectVerifiesAndCachesByCommit() throws Exception {
        hub.addRepo("model", "org/base", false);
        byte[] weights = TestFiles.bytes(300_000, 5);
        String commit = hub.seed("model", "org/base", FakeHub.files("models/r1/model.safetensors", weights));
        try (ObjectStore store = open("hf://org/base", null)) {
            Path out = dir.resolve("m.safetensors");
            ObjectInfo got = store.get(GetRequest.builder().setKey("models/r1/model.safetensors").optExpectedSha256(Hex.sha256Hex(weights)).build(), out);
            assertEquals(commit, got.version());
            assertArrayEquals(weights, Files.readAllBytes(out));
            assertTrue(Files.isRegularFile(dir.resolve("cache/hf/models/org/base/" + commit + "/models/r1/model.safetensors")));
            assertEquals(1, hub.requests("GET", "/cdn/.*").size());
            assertEquals("identity", hub.requests("HEAD", "/org/base/resolve/main/.*").get(0).header("Accept-Encoding"));

            store.get(GetRequest.of("models/r1/model.safetensors", 1 << 20), dir.resolve("again.safetensors"));
            assertEquals(1, hub.requests("GET", "/cdn/.*").size(), "second get is served from the cache");
            assertArrayEquals(weights, Files.readAllBytes(dir.resolve("again.safetensors")));
        }
    }

    @Test
    void brokenCdnDownloadResumesFromTheLastByteWithARange() throws Exception {
        hub.addRepo("model", "org/base", false);
        byte[] weights = TestFiles.bytes(200_000, 8);
        hub.seed("model", "org/base", FakeHub.files("w.safetensors", weights));
        hub.dropCdnAfter = 70_000;
        try (ObjectStore store = open("hf://org/base", null)) {
            Path out = dir.resolve("w.safetensors");
            store.get(GetRequest.of("w.safetensors", 1 << 20), out);
            assertArrayEquals(weights, Files.readAllBytes(out));
        }
        List<FakeHub.Recorded> gets = hub.requests("GET", "/cdn/.*");
        assertEquals(2, gets.size());
        assertEquals("bytes=0-199999", gets.get(0).header("Range"));
        assertTrue(gets.get(1).header("Range").startsWith("bytes="), gets.get(1).header("Range"));
        long resumedAt = Long.parseLong(gets.get(1).header("Range").substring(6, gets.get(1).header("Range").indexOf('-')));
        assertTrue(resumedAt > 0 && resumedAt <= 70_000, "resumed at " + resumedAt);
        assertEquals(1, slept.size());
    }

    @Test
    void rangedGetSendsARangeAndCopesWithAServerThatIgnoresIt() throws Exception {
        hub.addRepo("model", "org/base", false);
        byte[] weights = TestFiles.bytes(10_000, 6);
        hub.seed("model", "org/base", FakeHub.files("w.safetensors", weights));
        try (ObjectStore store = open("hf://org/base", null)) {
            GetRequest range = GetRequest.builder().setKey("w.safetensors").optRange(1000, 24).build();
            assertArrayEquals(java.util.Arrays.copyOfRange(weights, 1000, 1024), store.getBytes(range));
            assertEquals("bytes=1000-1023", hub.requests("GET", "/cdn/.*").get(0).header("Range"));
            hub.ignoreRange = true;
            assertArrayEquals(java.util.Arrays.copyOfRange(weights, 1000, 1024), store.getBytes(range));
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(60)
    void aHeaderReadFetchesOnlyItsRangeAndFailsFastOnAnObjectOfAnotherSize() throws Exception {
        hub.addRepo("model", "org/deltas", false);
        byte[] delta = TestFiles.bytes(300_000, 7);
        hub.seed("model", "org/deltas", FakeHub.files("rounds/1/alice/delta.safetensors", delta));
        try (ObjectStore store = open("hf://org/deltas", null)) {
            java.util.concurrent.atomic.AtomicLong received = new java.util.concurrent.atomic.AtomicLong();
            GetRequest head = GetRequest.builder().setKey("rounds/1/alice/delta.safetensors").optRange(0, 16).optMaxBytes(16)
                    .optExpectedSize(delta.length).optListener(received::addAndGet).build();
            assertArrayEquals(java.util.Arrays.copyOfRange(delta, 0, 16), store.getBytes(head));
            assertEquals("bytes=0-15", hub.requests("GET", "/cdn/.*").get(0).header("Range"));
            assertEquals(16, received.get(), "only the range crossed the wire");
            StorageException e = assertThrows(StorageException.class,
                    () -> store.getBytes(head.toBuilder().optExpectedSize(delta.length + 1).build()));
            assertEquals(StorageException.Kind.INTEGRITY, e.kind());
            assertEquals(1, hub.requests("GET", "/cdn/.*").size(), "a size mismatch is found before the body is asked for");
        }
    }

    @Test
    void revisionPinnedLocationKeepsReadingTheOldCommit() throws Exception {
        hub.addRepo("model", "org/base", false);
        String first = hub.seed("model", "org/base", FakeHub.files("latest", "r1".getBytes()));
        hub.seed("model", "org/base", FakeHub.files("latest", "r2".getBytes()));
        try (ObjectStore pinned = open("hf://org/base@" + first, null); ObjectStore head = open("hf://org/base", null)) {
            assertEquals("r1", pinned.readPointer("latest").orElseThrow());
            assertEquals("r2", head.readPointer("latest").orElseThrow());
        }
    }

    @Test
    void listFollowsPaginationAndReportsLfsHashes() throws Exception {
        hub.addRepo("model", "org/deltas", false);
        byte[] big = TestFiles.bytes(2000, 7);
        hub.seed("model", "org/deltas", FakeHub.files(
                "rounds/1/a/delta.safetensors", big, "rounds/1/a/manifest.json", "{}".getBytes(),
                "rounds/1/b/delta.safetensors", big, "rounds/2/a/delta.safetensors", big, "README.md", "hi".getBytes()));
        try (ObjectStore store = open("hf://org/deltas", null)) {
            List<ObjectInfo> round1 = store.list("rounds/1/");
            assertEquals(List.of("rounds/1/a/delta.safetensors", "rounds/1/a/manifest.json", "rounds/1/b/delta.safetensors"),
                    round1.stream().map(ObjectInfo::key).toList());
            assertEquals(Hex.sha256Hex(big), round1.get(0).sha256());
            assertEquals(2000, round1.get(0).size());
            assertTrue(hub.requests("GET", "/api/models/org/deltas/tree/.*").size() >= 3, "pages of 2 entries");
            assertEquals(5, store.list("").size());
        }
    }

    @Test
    void deleteCommitsADeletionAndIgnoresMissingFiles() throws Exception {
        hub.addRepo("model", "org/deltas", false);
        hub.seed("model", "org/deltas", FakeHub.files("x.json", "1".getBytes()));
        try (ObjectStore store = open("hf://org/deltas", FakeHub.WRITE_TOKEN)) {
            store.delete("x.json");
            assertTrue(store.stat("x.json").isEmpty());
            store.delete("x.json");
            JsonNode op = FakeHub.JSON.readTree(hub.requests("POST", ".*/commit/main").get(0).bodyText().split("\n")[1]);
            assertEquals("deletedFile", op.path("key").asText());
            assertEquals("x.json", op.path("value").path("path").asText());
        }
    }

    @Test
    void waitsWhatRetryAfterSaysOn429AndRetries5xx() throws Exception {
        hub.addRepo("model", "org/base", false);
        hub.seed("model", "org/base", FakeHub.files("latest", "r1".getBytes()));
        hub.failNext("/org/base/resolve/.*", 429, "Retry-After", "3");
        hub.failNext("/org/base/resolve/.*", 503);
        try (ObjectStore store = open("hf://org/base", null)) {
            assertEquals("r1", store.readPointer("latest").orElseThrow());
        }
        assertEquals(Duration.ofSeconds(3), slept.get(0));
        assertEquals(2, slept.size());
    }

    @Test
    void mapsAuthFailuresToClearMessages() throws Exception {
        hub.addRepo("model", "org/private", true);
        hub.addRepo("model", "org/public", false);
        try (ObjectStore anon = open("hf://org/private", null)) {
            StorageException e = assertThrows(StorageException.class, () -> anon.stat("x"));
            assertEquals(Kind.NOT_FOUND, e.kind());
            assertTrue(e.getMessage().contains("repository not found, or private and HF_TOKEN does not grant access"), e.getMessage());
        }
        try (ObjectStore bad = open("hf://org/public", "hf_wrong")) {
            StorageException e = assertThrows(StorageException.class, () -> bad.stat("x"));
            assertEquals(Kind.ACCESS_DENIED, e.kind());
            assertTrue(e.getMessage().contains("HF_TOKEN was rejected"), e.getMessage());
            assertFalse(e.getMessage().contains("hf_wrong"));
        }
        try (ObjectStore readOnly = open("hf://org/public", FakeHub.READ_TOKEN)) {
            StorageException e = assertThrows(StorageException.class, () -> readOnly.put(PutRequest.ofBytes("x", new byte[] {1})));
            assertEquals(Kind.ACCESS_DENIED, e.kind());
            assertTrue(e.getMessage().contains("lacks permission"), e.getMessage());
        }
        try (ObjectStore store = open("hf://org/public", null)) {
            assertTrue(store.stat("missing.json").isEmpty());
            StorageException e = assertThrows(StorageException.class, () -> store.getBytes(GetRequest.of("missing.json", 10)));
            assertEquals(Kind.NOT_FOUND, e.kind());
        }
    }

    @Test
    void datasetLocationsUseTheDatasetPrefixes() throws Exception {
        hub.addRepo("dataset", "org/text", false);
        hub.seed("dataset", "org/text", FakeHub.files("data/a.txt", "hello".getBytes()));
        try (ObjectStore store = open("hf://datasets/org/text/data", null)) {
            assertEquals(List.of("a.txt"), store.list("").stream().map(ObjectInfo::key).toList());
            assertArrayEquals("hello".getBytes(), store.getBytes(GetRequest.of("a.txt", 100)));
        }
        assertFalse(hub.requests("HEAD", "/datasets/org/text/resolve/main/data/a.txt").isEmpty());
        List<String> paths = new ArrayList<>();
        hub.requests.forEach(r -> paths.add(r.path()));
        assertTrue(paths.contains("/api/datasets/org/text/tree/main/data"), paths.toString());
    }
}
