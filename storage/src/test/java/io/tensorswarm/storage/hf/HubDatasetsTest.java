package io.tensorswarm.storage.hf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.data.TextDataset;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HubDatasetsTest {
    @TempDir
    Path dir;

    FakeHub hub;
    String commit;

    @BeforeEach
    void start() throws Exception {
        hub = new FakeHub();
        hub.addRepo("dataset", "org/stories", false);
        commit = hub.seed("dataset", "org/stories", FakeHub.files(
                "README.md", "# card".getBytes(),
                "data/train-0.jsonl", "{\"text\":\"once upon a time\"}\n{\"text\":\"the end\"}\n".getBytes(),
                "data/train-1.jsonl", "{\"text\":\"another story\"}\n".getBytes(),
                "data/valid.txt", "held out".getBytes(),
                "images/cat.png", new byte[] {1, 2, 3}));
    }

    @AfterEach
    void stop() {
        hub.close();
    }

    StorageOptions options() {
        return StorageOptions.builder().optHfEndpoint(hub.endpoint()).optHfRedirectHosts(List.of("localhost"))
                .optCacheDir(dir.resolve("cache")).build();
    }

    private static List<String> files(Path root) throws Exception {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(Files::isRegularFile).map(p -> root.relativize(p).toString())
                    .filter(p -> !p.startsWith(".")).sorted().toList();
        }
    }

    @Test
    void wholeDatasetDownloadsOnlyTextFilesIntoACommitFolder() throws Exception {
        Path folder = HubDatasets.materialize("hf://datasets/org/stories", options());
        assertEquals(dir.resolve("cache/hf/datasets/org/stories/" + commit), folder);
        assertEquals(List.of("data/train-0.jsonl", "data/train-1.jsonl", "data/valid.txt"), files(folder));
        int before = hub.requests.size();
        assertEquals(folder, HubDatasets.materialize("hf://datasets/org/stories", options()));
        assertEquals(1, hub.requests.size() - before, "a second call only resolves the revision");
    }

    @Test
    void globSelectsFilesAndFeedsTheDatasetReader() throws Exception {
        Path folder = HubDatasets.materialize("hf://datasets/org/stories/data/*.jsonl", options());
        assertEquals(List.of("train-0.jsonl", "train-1.jsonl"), files(folder));
        TextDataset ds = TextDatasets.open(folder);
        try (Stream<String> docs = ds.documents()) {
            assertEquals(List.of("once upon a time", "the end", "another story"), docs.toList());
        }
    }

    @Test
    void aCommitPinnedRevisionNeedsNoRevisionLookup() throws Exception {
        Path folder = HubDatasets.materialize("hf://datasets/org/stories@" + commit + "/data/valid.txt", options());
        assertEquals(List.of("valid.txt"), files(folder));
        assertTrue(hub.requests("GET", "/api/datasets/org/stories/revision/.*").isEmpty());
    }

    @Test
    void refusesNonDatasetLocationsAndEmptyMatches() {
        assertEquals(StorageException.Kind.CONFIGURATION,
                assertThrows(StorageException.class, () -> HubDatasets.materialize("hf://org/model", options())).kind());
        assertEquals(StorageException.Kind.NOT_FOUND,
                assertThrows(StorageException.class, () -> HubDatasets.materialize("hf://datasets/org/stories/images/*.png", options())).kind());
    }

    @Test
    void literalDirectoryStopsAtTheFirstGlobOrFileName() {
        assertEquals("data", HubDatasets.literalDirectory("data/*.jsonl"));
        assertEquals("data", HubDatasets.literalDirectory("data/train.jsonl"));
        assertEquals("a/b", HubDatasets.literalDirectory("a/b"));
        assertEquals("", HubDatasets.literalDirectory("**/*.parquet"));
    }

    @Test
    void dataSourcesResolveHubDatasetsThroughTheRegisteredResolver() throws Exception {
        String previous = System.getProperty("HF_ENDPOINT");
        System.setProperty("HF_ENDPOINT", hub.endpoint().toString());
        try {
            Path folder = io.tensorswarm.common.data.DataSources.resolve("hf://datasets/org/stories/data/*.jsonl",
                    dir.resolve("data-cache"));
            assertTrue(folder.startsWith(dir.resolve("data-cache")), folder.toString());
            try (Stream<String> docs = io.tensorswarm.common.data.TextDatasets.open(folder).documents()) {
                assertEquals(List.of("once upon a time", "the end", "another story"), docs.toList());
            }
        } finally {
            if (previous == null) {
                System.clearProperty("HF_ENDPOINT");
            } else {
                System.setProperty("HF_ENDPOINT", previous);
            }
        }
    }
}
