package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TokenizersTest {

    @Test
    void usesTheTokenizerFileOfTheModelDirectory() throws Exception {
        try (Tokenizer tokenizer = Tokenizers.forModelDir(HfTokenizerTest.resourceDir(), 300)) {
            assertInstanceOf(HfTokenizer.class, tokenizer);
            assertEquals(264, tokenizer.vocabSize());
        }
    }

    @Test
    void fallsBackToBytesForAVocabularyOf256(@TempDir Path dir) {
        assertInstanceOf(ByteTokenizer.class, Tokenizers.forModelDir(dir, 256));
    }

    @Test
    void rejectsOtherVocabulariesWithoutATokenizerFile(@TempDir Path dir) {
        DataException e = assertThrows(DataException.class, () -> Tokenizers.forModelDir(dir, 50257));
        assertTrue(e.getMessage().contains("50257"), e.getMessage());
    }

    @Test
    void rejectsATokenizerWithMoreIdsThanTheModel() throws Exception {
        Path dir = HfTokenizerTest.resourceDir();
        DataException e = assertThrows(DataException.class, () -> Tokenizers.forModelDir(dir, 256));
        assertTrue(e.getMessage().contains("264 ids"), e.getMessage());
    }
}
