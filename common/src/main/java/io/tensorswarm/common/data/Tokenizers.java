package io.tensorswarm.common.data;

import java.nio.file.Files;
import java.nio.file.Path;

/** Picks the tokenizer that belongs to a model. */
public final class Tokenizers {
    /** The file name looked for in a model directory. */
    public static final String TOKENIZER_FILE = "tokenizer.json";

    private Tokenizers() {}

    /**
     * Returns the tokenizer of the model in {@code modelDir}: its {@code tokenizer.json} if present,
     * else the {@link ByteTokenizer} when the model's vocabulary has 256 entries.
     *
     * @param modelDir the model directory (holding {@code config.json}, weights, maybe a tokenizer)
     * @param vocabSize the model's embedding rows; the tokenizer may use fewer ids, never more
     * @throws DataException when there is no tokenizer.json and the vocabulary is not 256, or the
     *     tokenizer's ids do not fit the model
     */
    public static Tokenizer forModelDir(Path modelDir, int vocabSize) {
        Path file = modelDir.resolve(TOKENIZER_FILE);
        if (Files.isRegularFile(file)) {
            HfTokenizer tokenizer = HfTokenizer.load(file);
            if (tokenizer.vocabSize() > vocabSize) {
                tokenizer.close();
                throw new DataException("tokenizer " + file + " has " + tokenizer.vocabSize()
                        + " ids but the model's vocabulary has only " + vocabSize);
            }
            return tokenizer;
        }
        if (vocabSize == ByteTokenizer.VOCAB_SIZE) {
            return new ByteTokenizer();
        }
        throw new DataException("no " + TOKENIZER_FILE + " in " + modelDir + " and the model's vocabulary size "
                + vocabSize + " is not " + ByteTokenizer.VOCAB_SIZE + " (the byte tokenizer)");
    }
}
