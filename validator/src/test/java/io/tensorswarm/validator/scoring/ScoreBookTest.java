package io.tensorswarm.validator.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ScoreBookTest {
    @TempDir Path dir;

    @Test
    void movingAverageStartsFromZeroAndMissingMinersDecay() {
        ScoreBook book = new ScoreBook(0.5);
        assertTrue(book.update(1, Map.of("a", 0.4)));
        assertEquals(0.2, book.score("a"), 0);
        assertTrue(book.update(2, Map.of("a", 0.2, "b", 0.8)));
        assertEquals(0.2, book.score("a"), 0);
        assertEquals(0.4, book.score("b"), 0);
        assertTrue(book.update(3, Map.of()));
        assertEquals(0.1, book.score("a"), 0);
        assertEquals(0.2, book.score("b"), 0);
        assertEquals(3, book.lastRound());
    }

    @Test
    void aRoundIsAppliedOnlyOnce() {
        ScoreBook book = new ScoreBook(0.5);
        book.update(5, Map.of("a", 1.0));
        assertFalse(book.update(5, Map.of("a", 1.0)));
        assertFalse(book.update(4, Map.of()));
        assertEquals(0.5, book.score("a"), 0);
    }

    @Test
    void scoresThatDecayToNothingAreDropped() {
        ScoreBook book = new ScoreBook(0.5);
        book.update(1, Map.of("a", 3e-9));
        assertEquals(1.5e-9, book.score("a"), 1e-24);
        book.update(2, Map.of());
        assertEquals(Map.of(), book.scores());
    }

    @Test
    void refusesNegativeOrNonFiniteRoundScores() {
        ScoreBook book = new ScoreBook(0.5);
        assertThrows(IllegalArgumentException.class, () -> book.update(1, Map.of("a", -0.1)));
        assertThrows(IllegalArgumentException.class, () -> book.update(1, Map.of("a", Double.NaN)));
        assertThrows(IllegalArgumentException.class, () -> new ScoreBook(0));
    }

    @Test
    void normalizedWeightsAreSharesOfRegisteredMinersByUid() {
        ScoreBook book = new ScoreBook(1.0);
        book.update(1, Map.of("a", 0.1, "b", 0.3, "unregistered", 0.6, "zero", 0.0));
        WeightVector w = book.normalizedWeights(Map.of("a", 5, "b", 2, "zero", 9));
        assertArrayEquals(new int[] {2, 5}, w.uids());
        assertArrayEquals(new float[] {0.75f, 0.25f}, w.weights(), 1e-7f);
        assertTrue(book.normalizedWeights(Map.of()).isEmpty());
        assertThrows(IllegalArgumentException.class, () -> book.normalizedWeights(Map.of("a", 1, "b", 1)));
    }

    @Test
    void retainOnlyForgetsDeregisteredMiners() {
        ScoreBook book = new ScoreBook(1.0);
        book.update(1, Map.of("a", 0.1, "b", 0.3));
        book.retainOnly(List.of("b"));
        assertEquals(Map.of("b", 0.3), book.scores());
    }

    @Test
    void aRestartedValidatorReloadsExactlyWhatItSaved() {
        Path file = dir.resolve("state/scores.json");
        ScoreBook book = new ScoreBook(0.3);
        book.update(7, Map.of("5F" + "x".repeat(46), 1.0 / 3, "b", 0.123456789012345678));
        book.save(file);

        ScoreBook reloaded = ScoreBook.load(file, 0.3);
        assertEquals(book, reloaded);
        assertEquals(7, reloaded.lastRound());
        assertFalse(reloaded.update(7, Map.of("b", 1.0)), "the saved round is not applied twice");
        assertTrue(reloaded.update(8, Map.of("b", 1.0)));
        book.update(8, Map.of("b", 1.0));
        assertEquals(book, reloaded);
    }

    @Test
    void theFileIsVersionedJson() throws IOException {
        Path file = dir.resolve("scores.json");
        ScoreBook book = new ScoreBook(0.5);
        book.update(2, Map.of("a", 0.5));
        book.save(file);
        String json = Files.readString(file).replaceAll("\\s", "");
        assertEquals("{\"schema_version\":1,\"last_round\":2,\"scores\":{\"a\":0.25}}", json);
    }

    @Test
    void aMissingFileIsAnEmptyBook() {
        ScoreBook book = ScoreBook.load(dir.resolve("none.json"), 0.1);
        assertEquals(ScoreBook.NO_ROUND, book.lastRound());
        assertEquals(Map.of(), book.scores());
    }

    @Test
    void aTruncatedFileIsATypedOneLineErrorNotAnEmptyBook() throws IOException {
        Path file = dir.resolve("scores.json");
        ScoreBook book = new ScoreBook(0.5);
        book.update(2, Map.of("a", 0.5, "b", 0.25));
        book.save(file);
        byte[] bytes = Files.readAllBytes(file);
        Files.write(file, Arrays.copyOf(bytes, bytes.length / 2));
        ScoreBookException e = assertThrows(ScoreBookException.class, () -> ScoreBook.load(file, 0.5));
        assertTrue(e.getMessage().startsWith("score file " + file + " is corrupt: not valid JSON"), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void wrongShapesAndValuesAreCorrupt() throws IOException {
        Path file = dir.resolve("scores.json");
        for (String bad : List.of("[]", "{\"last_round\":1,\"scores\":{}}",
                "{\"schema_version\":1,\"last_round\":\"x\",\"scores\":{}}",
                "{\"schema_version\":1,\"last_round\":1,\"scores\":[]}",
                "{\"schema_version\":1,\"last_round\":1,\"scores\":{\"a\":-1}}",
                "{\"schema_version\":1,\"last_round\":1,\"scores\":{\"a\":\"0.5\"}}",
                "{\"schema_version\":1,\"last_round\":9223372036854775807,\"scores\":{}}",
                "{\"schema_version\":1,\"last_round\":4294967296,\"scores\":{}}", "")) {
            Files.writeString(file, bad, StandardCharsets.UTF_8);
            ScoreBookException e = assertThrows(ScoreBookException.class, () -> ScoreBook.load(file, 0.5), bad);
            assertTrue(e.getMessage().contains("is corrupt"), e.getMessage());
        }
    }

    @Test
    void anotherSchemaVersionIsRefusedByName() throws IOException {
        Path file = dir.resolve("scores.json");
        Files.writeString(file, "{\"schema_version\":2,\"last_round\":1,\"scores\":{}}");
        ScoreBookException e = assertThrows(ScoreBookException.class, () -> ScoreBook.load(file, 0.5));
        assertEquals("score file " + file + " has schema_version 2; this build reads version 1", e.getMessage());
    }

    @Test
    void aSchemaVersionThatOverflowsAnIntIsNotReadAsOne() throws IOException {
        Path file = dir.resolve("scores.json");
        Files.writeString(file, "{\"schema_version\":4294967297,\"last_round\":1,\"scores\":{}}");
        ScoreBookException e = assertThrows(ScoreBookException.class, () -> ScoreBook.load(file, 0.5));
        assertEquals("score file " + file + " has schema_version 4294967297; this build reads version 1", e.getMessage());
    }

    @Test
    void aWriterKilledBeforeTheRenameLeavesTheOldBookReadable() throws IOException {
        Path file = dir.resolve("scores.json");
        ScoreBook round1 = new ScoreBook(0.5);
        round1.update(1, Map.of("a", 0.5));
        round1.save(file);

        // What a writer killed between write and rename leaves: a half-written temporary sibling.
        ScoreBook round2 = ScoreBook.load(file, 0.5);
        round2.update(2, Map.of("a", 1.0));
        Path scratch = dir.resolve("scratch.json");
        round2.save(scratch);
        byte[] newer = Files.readAllBytes(scratch);
        Files.write(dir.resolve(".scores.json.8812345.tmp"), Arrays.copyOf(newer, newer.length / 2));

        ScoreBook restarted = ScoreBook.load(file, 0.5);
        assertEquals(round1, restarted);
        assertTrue(restarted.update(2, Map.of("a", 1.0)));
        restarted.save(file);
        assertEquals(round2, ScoreBook.load(file, 0.5));
        try (var files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith(".scores.json.")).count(),
                    "saving leaves no temporary file of its own");
        }
    }
}
