package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TextDatasetsTest {
    @TempDir
    Path dir;

    static List<String> read(TextDataset dataset) {
        try (Stream<String> docs = dataset.documents()) {
            return docs.toList();
        }
    }

    @Test
    void readsATextFileAsOneDocument() throws IOException {
        Path file = Files.writeString(dir.resolve("a.txt"), "line one\nline two\n");
        TextDataset dataset = TextDatasets.open(file);
        assertEquals(List.of("line one\nline two\n"), read(dataset));
        assertEquals("a.txt", dataset.name());
    }

    @Test
    void readsTheTextFieldOfEachJsonLine() throws IOException {
        Path file = Files.writeString(dir.resolve("d.jsonl"),
                "{\"text\": \"first\", \"id\": 1}\n\n{\"id\": 2, \"text\": \"sé\\ncond\"}\n{\"text\": null}\n");
        assertEquals(List.of("first", "sé\ncond"), read(TextDatasets.open(file)));
    }

    @Test
    void readsAConfiguredFieldFromGzippedJsonLines() throws IOException {
        Path file = dir.resolve("d.jsonl.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write("{\"content\": \"zipped\"}\n{\"content\": \"twice\"}\n".getBytes(StandardCharsets.UTF_8));
        }
        TextDataset dataset = TextDatasets.open(file, TextDatasetOptions.DEFAULTS.withTextField("content"));
        assertEquals(List.of("zipped", "twice"), read(dataset));
    }

    @Test
    void readsAFolderRecursivelyInPathOrderSkippingHiddenAndOtherFiles() throws IOException {
        Files.createDirectories(dir.resolve("b/inner"));
        Files.createDirectories(dir.resolve(".cache"));
        Files.writeString(dir.resolve("b/inner/z.txt"), "b/inner/z");
        Files.writeString(dir.resolve("b/a.txt"), "b/a");
        Files.writeString(dir.resolve("c.jsonl"), "{\"text\": \"c1\"}\n{\"text\": \"c2\"}\n");
        Files.writeString(dir.resolve("a.txt"), "a");
        Files.writeString(dir.resolve("README.md"), "not data");
        Files.writeString(dir.resolve(".cache/x.txt"), "hidden");
        Files.writeString(dir.resolve(".complete"), "marker");
        assertEquals(List.of("a", "b/a", "b/inner/z", "c1", "c2"), read(TextDatasets.open(dir)));
    }

    @Test
    void fingerprintIsStableAndFollowsContentOrderAndField() throws IOException {
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.writeString(dir.resolve("b.txt"), "beta");
        String first = TextDatasets.open(dir).fingerprint();
        assertEquals(64, first.length());
        assertEquals(first, TextDatasets.open(dir).fingerprint());

        assertNotEquals(first, TextDatasets.open(dir, TextDatasetOptions.DEFAULTS.withTextField("body")).fingerprint());
        Files.writeString(dir.resolve("b.txt"), "betA");
        String edited = TextDatasets.open(dir).fingerprint();
        assertNotEquals(first, edited);
        Files.move(dir.resolve("a.txt"), dir.resolve("c.txt"));
        assertNotEquals(edited, TextDatasets.open(dir).fingerprint());
    }

    @Test
    void fingerprintDoesNotDependOnWhereTheFolderLives(@TempDir Path other) throws IOException {
        Files.writeString(dir.resolve("a.txt"), "alpha");
        Files.createDirectories(other.resolve("copy"));
        Files.writeString(other.resolve("copy/a.txt"), "alpha");
        assertEquals(TextDatasets.open(dir).fingerprint(), TextDatasets.open(other.resolve("copy")).fingerprint());
    }

    @Test
    void namesFileAndLineOfAMalformedJsonLine() throws IOException {
        Path file = Files.writeString(dir.resolve("bad.jsonl"), "{\"text\": \"ok\"}\n{\"text\": \"cut\n");
        DataException e = assertThrows(DataException.class, () -> read(TextDatasets.open(file)));
        assertTrue(e.getMessage().contains("bad.jsonl:2: not valid JSON"), e.getMessage());
    }

    @Test
    void rejectsLinesWithoutAStringTextField() throws IOException {
        Path missing = Files.writeString(dir.resolve("m.jsonl"), "{\"body\": \"x\"}\n");
        DataException e1 = assertThrows(DataException.class, () -> read(TextDatasets.open(missing)));
        assertTrue(e1.getMessage().contains("m.jsonl:1: no field \"text\""), e1.getMessage());

        Path number = Files.writeString(dir.resolve("n.jsonl"), "{\"text\": \"a\"}\n{\"text\": 7}\n");
        DataException e2 = assertThrows(DataException.class, () -> read(TextDatasets.open(number)));
        assertTrue(e2.getMessage().contains("n.jsonl:2: field \"text\" is NUMBER, not a string"), e2.getMessage());

        Path array = Files.writeString(dir.resolve("l.jsonl"), "[1, 2]\n");
        DataException e3 = assertThrows(DataException.class, () -> read(TextDatasets.open(array)));
        assertTrue(e3.getMessage().contains("l.jsonl:1: expected a JSON object"), e3.getMessage());

        Path trailing = Files.writeString(dir.resolve("t.jsonl"), "{\"text\": \"a\"} {\"text\": \"b\"}\n");
        DataException e4 = assertThrows(DataException.class, () -> read(TextDatasets.open(trailing)));
        assertTrue(e4.getMessage().contains("t.jsonl:1"), e4.getMessage());
    }

    @Test
    void rejectsInvalidUtf8InTextAndJsonFiles() throws IOException {
        Path text = Files.write(dir.resolve("x.txt"), new byte[] {'a', (byte) 0xC3, 'b'});
        DataException e1 = assertThrows(DataException.class, () -> read(TextDatasets.open(text)));
        assertTrue(e1.getMessage().contains("x.txt is not valid UTF-8"), e1.getMessage());

        Path json = Files.write(dir.resolve("y.jsonl"), "{\"text\": \"\u00ff\"}\n".getBytes(StandardCharsets.ISO_8859_1));
        DataException e2 = assertThrows(DataException.class, () -> read(TextDatasets.open(json)));
        assertTrue(e2.getMessage().contains("y.jsonl"), e2.getMessage());
    }

    @Test
    void rejectsCorruptGzip() throws IOException {
        Path file = Files.writeString(dir.resolve("z.jsonl.gz"), "not gzip at all");
        DataException e = assertThrows(DataException.class, () -> read(TextDatasets.open(file)));
        assertTrue(e.getMessage().contains("z.jsonl.gz"), e.getMessage());
    }

    @Test
    void rejectsMissingPathsUnsupportedFilesAndEmptyFolders() throws IOException {
        DataException missing = assertThrows(DataException.class, () -> TextDatasets.open(dir.resolve("nope")));
        assertTrue(missing.getMessage().contains("data path not found"), missing.getMessage());

        Path csv = Files.writeString(dir.resolve("a.csv"), "x");
        DataException unsupported = assertThrows(DataException.class, () -> TextDatasets.open(csv));
        assertTrue(unsupported.getMessage().contains("unsupported data file"), unsupported.getMessage());

        DataException empty = assertThrows(DataException.class, () -> TextDatasets.open(dir));
        assertTrue(empty.getMessage().contains("no .txt, .jsonl, .jsonl.gz or .parquet files"), empty.getMessage());
    }

    @Test
    void readsTheCommittedEnglishSample() throws Exception {
        Path sample = Path.of(getClass().getResource("/data/english-sample.txt").toURI());
        List<String> docs = read(TextDatasets.open(sample));
        assertEquals(1, docs.size());
        assertTrue(docs.get(0).startsWith("The Lighthouse Keeper's Notebook\n"));
    }
}
