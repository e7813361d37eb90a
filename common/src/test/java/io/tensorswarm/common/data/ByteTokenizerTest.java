package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ByteTokenizerTest {
    private final ByteTokenizer tokenizer = new ByteTokenizer();

    @Test
    void encodesAsciiAsByteValues() {
        assertArrayEquals(new int[] {72, 105, 10}, tokenizer.encode("Hi\n"));
    }

    @Test
    void encodesNonAsciiAsUtf8BytesAndRoundTrips() {
        String text = "thé 🙂";
        int[] ids = tokenizer.encode(text);
        // é = C3 A9, space, 🙂 = F0 9F 99 82
        assertArrayEquals(new int[] {116, 104, 0xC3, 0xA9, 32, 0xF0, 0x9F, 0x99, 0x82}, ids);
        assertEquals(text, tokenizer.decode(ids));
    }

    @Test
    void decodesACutCharacterAsReplacementCharacter() {
        // "é" cut after its first byte, followed by "x"
        assertEquals("\uFFFDx", tokenizer.decode(new int[] {0xC3, 'x'}));
        // an emoji cut after three of its four bytes at the end of a page
        String decoded = tokenizer.decode(new int[] {'a', 0xF0, 0x9F, 0x99});
        assertTrue(decoded.startsWith("a\uFFFD"), decoded);
    }

    @Test
    void rejectsIdsOutsideTheByteRange() {
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {256}));
        assertThrows(IllegalArgumentException.class, () -> tokenizer.decode(new int[] {TokenPages.PAD}));
    }

    @Test
    void hasNoEndOfTextTokenAndAStableName() {
        assertTrue(tokenizer.eosTokenId().isEmpty());
        assertEquals(256, tokenizer.vocabSize());
        assertEquals("byte", tokenizer.name());
    }
}
