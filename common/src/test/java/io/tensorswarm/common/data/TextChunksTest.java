package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class TextChunksTest {

    @Test
    void keepsShortTextWhole() {
        assertEquals(List.of("abc"), TextChunks.split("abc", 3));
    }

    @Test
    void cutsAfterTheLastNewlineOfEachWindow() {
        assertEquals(List.of("ab\ncd\n", "ef\ng"), TextChunks.split("ab\ncd\nef\ng", 7));
    }

    @Test
    void fallsBackToWhitespaceThenToAHardCut() {
        assertEquals(List.of("ab ", "cdefg", "h"), TextChunks.split("ab cdefgh", 5));
    }

    @Test
    void neverSplitsASurrogatePair() {
        String emoji = "🙂"; // two chars
        List<String> pieces = TextChunks.split("abcd" + emoji + "e", 5);
        assertEquals(List.of("abcd", emoji + "e"), pieces);
    }
}
