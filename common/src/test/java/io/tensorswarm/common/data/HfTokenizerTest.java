package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the hand-written byte-level BPE in {@code data/bpe-tokenizer/tokenizer.json}: base ids 0-255
 * are the bytes (GPT-2 byte alphabet, so a space is "Ġ" with id 32), then merges by rank:
 * 256 "Ġ t", 257 "t h", 258 "Ġt h", 259 "th e", 260 "Ġth e", 261 "m e", 262 "the me";
 * 263 is {@code <|endoftext|>}.
 */
class HfTokenizerTest {
    private static HfTokenizer tokenizer;

    @BeforeAll
    static void load() throws URISyntaxException {
        tokenizer = HfTokenizer.load(resourceDir().resolve("tokenizer.json"));
    }

    @AfterAll
    static void close() {
        tokenizer.close();
    }

    static Path resourceDir() throws URISyntaxException {
        return Path.of(HfTokenizerTest.class.getResource("/data/bpe-tokenizer/tokenizer.json").toURI()).getParent();
    }

    @Test
    void appliesMergesInRankOrder() {
        // "the": t h e -> (t,h)#257 -> th e -> (th,e)#259 -> [259]
        assertArrayEquals(new int[] {259}, tokenizer.encode("the"));
        // "theme": t h e m e -> th e m e -> the m e (rank 3 before rank 5) -> the me -> theme #262
        assertArrayEquals(new int[] {262}, tokenizer.encode("theme"));
        // " theme": Ġ t h e m e -> Ġt h e m e (#256 first) -> Ġth e m e -> Ġthe m e -> Ġthe me;
        // no merge joins "Ġthe" and "me"
        assertArrayEquals(new int[] {260, 261}, tokenizer.encode(" theme"));
    }

    @Test
    void splitsWordsBeforeMergingAndKeepsUnmergedBytes() {
        // pre-tokens "the", " theme", ":" ; "é" is the bytes C3 A9 (ids 195, 169), never merged
        assertArrayEquals(new int[] {259, 260, 261, 58}, tokenizer.encode("the theme:"));
        assertArrayEquals(new int[] {258, 195, 169}, tokenizer.encode(" thé"));
        assertArrayEquals(new int[] {257, 10, 109, 261}, tokenizer.encode("th\nmme"));
    }

    @Test
    void roundTripsNonAsciiTextThroughBytes() {
        String text = "the theme: the thé 🙂\nmore";
        assertEquals(text, tokenizer.decode(tokenizer.encode(text)));
    }

    @Test
    void addsNoSpecialTokensAndFindsTheEndOfTextToken() {
        assertArrayEquals(new int[] {}, tokenizer.encode(""));
        assertEquals(263, tokenizer.eosTokenId().getAsInt());
        assertEquals(264, tokenizer.vocabSize());
        assertTrue(tokenizer.name().startsWith("hf-"), tokenizer.name());
        assertTrue(tokenizer.name().endsWith("-eos263"), tokenizer.name());
    }

    @Test
    void encodesLongTextInPiecesCutAfterNewlines() {
        String line = "the theme\n";
        String text = line.repeat(HfTokenizer.CHUNK_CHARS / line.length() * 3);
        int[] ids = tokenizer.encode(text);
        int[] perLine = tokenizer.encode(line);
        assertArrayEquals(new int[] {259, 260, 261, 10}, perLine);
        assertEquals(perLine.length * (text.length() / line.length()), ids.length);
        for (int i = 0; i < ids.length; i++) {
            assertEquals(perLine[i % perLine.length], ids[i], "id " + i);
        }
    }

    @Test
    void encodesABatchLikeOneTextAtATime() {
        List<String> texts = List.of("the theme", "", " thé", "theme\nthe");
        List<int[]> batch = tokenizer.encodeAll(texts);
        assertEquals(4, batch.size());
        assertArrayEquals(new int[] {259, 260, 261}, batch.get(0));
        assertArrayEquals(new int[] {}, batch.get(1));
        assertArrayEquals(new int[] {258, 195, 169}, batch.get(2));
        assertArrayEquals(new int[] {262, 10, 259}, batch.get(3));
    }

    @Test
    void takesTheEndOfTextTokenFromTokenizerConfig(@TempDir Path dir) throws Exception {
        Files.copy(resourceDir().resolve("tokenizer.json"), dir.resolve("tokenizer.json"));
        Files.writeString(dir.resolve("tokenizer_config.json"), "{\"eos_token\": {\"content\": \"theme\"}}");
        try (HfTokenizer withConfig = HfTokenizer.load(dir.resolve("tokenizer.json"))) {
            assertEquals(262, withConfig.eosTokenId().getAsInt());
            assertNotEquals(tokenizer.name(), withConfig.name());
        }
    }

    @Test
    void rejectsAMissingOrMalformedFile(@TempDir Path dir) throws IOException {
        DataException missing = assertThrows(DataException.class, () -> HfTokenizer.load(dir.resolve("tokenizer.json")));
        assertTrue(missing.getMessage().contains("tokenizer.json"), missing.getMessage());
        Path bad = Files.writeString(dir.resolve("tokenizer.json"), "{\"model\": {}}");
        DataException malformed = assertThrows(DataException.class, () -> HfTokenizer.load(bad));
        assertTrue(malformed.getMessage().contains("model.vocab"), malformed.getMessage());
    }
}
