package io.tensorswarm.common;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(5)
class LoggedTextTest {
    @Test
    void controlAndFormatCharactersAreShownAsQuestionMarksSoAValueCannotForgeOrReorderALogLine() {
        assertEquals("\"hk?x?y?\"", LoggedText.quoted("hk\u0007x\ny\u202e", 64));
        assertEquals("a?b", LoggedText.plain("a\u0085b", 64), "C1 controls too");
    }

    @Test
    void longValuesAreCutAndNullIsNamed() {
        assertEquals("\"abc...\"", LoggedText.quoted("abcdef", 3));
        assertEquals("null", LoggedText.quoted(null, 3));
        assertEquals("null", LoggedText.plain(null, 3));
    }
}
