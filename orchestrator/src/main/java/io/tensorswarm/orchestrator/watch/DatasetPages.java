package io.tensorswarm.orchestrator.watch;

import io.tensorswarm.common.data.DataException;
import io.tensorswarm.common.data.DataSources;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The shared dataset ({@code --data}) cut into pages the way miners and validators cut it: tokenized
 * with the base model's tokenizer into pages of the model's context length, so its {@link
 * TokenPages#fingerprint()} and {@link TokenPages#pageCount()} are theirs. The pages are kept open
 * and rebuilt only when a new base revision changes the tokenizer or the context length. With a
 * token cache the corpus is tokenized once across restarts. Not thread-safe; close when done.
 *
 * @see io.tensorswarm.common.cli.DataOptions
 */
public final class DatasetPages implements AutoCloseable {
    private final String data;
    private final Path dataCache;
    private final String textField;
    private final Path tokenCache;
    private String key;
    private TokenPages pages;

    /**
     * @param data the {@code --data} value (a path, or an {@code hf://datasets/...} URI)
     * @param dataCache where remote datasets are downloaded
     * @param textField JSON field / Parquet column holding the text
     * @param tokenCache where tokenized data is cached, or null to tokenize in memory
     */
    public DatasetPages(String data, Path dataCache, String textField, Path tokenCache) {
        this.data = Objects.requireNonNull(data, "data");
        this.dataCache = dataCache;
        this.textField = Objects.requireNonNull(textField, "textField");
        this.tokenCache = tokenCache;
    }

    /** Returns the {@code --data} value. */
    public String data() {
        return data;
    }

    /**
     * Returns the pages for the model in {@code modelDir} (which needs {@code config.json} and, unless
     * the vocabulary is bytes, {@code tokenizer.json}), tokenizing the dataset when the tokenizer or
     * context length changed since the last call.
     *
     * @throws DataException when the data is missing or cannot be tokenized
     */
    public TokenPages forModel(Path modelDir) {
        GptConfig config = ModelDirectory.readConfig(modelDir);
        Path tokenizerFile = modelDir.resolve(Tokenizers.TOKENIZER_FILE);
        String tokenizerId = Files.isRegularFile(tokenizerFile) ? Sha256.ofFile(tokenizerFile) : "bytes";
        String next = tokenizerId + ":" + config.vocabSize() + ":" + config.nPositions();
        if (pages != null && next.equals(key)) {
            return pages;
        }
        Path local = DataSources.resolve(data, dataCache);
        if (!Files.exists(local)) {
            throw new DataException("--data " + data + " does not exist");
        }
        TokenPages built;
        try (Tokenizer tokenizer = Tokenizers.forModelDir(modelDir, config.vocabSize())) {
            TokenPages.Builder b = TokenPages.builder()
                    .setDataset(TextDatasets.open(local, TextDatasetOptions.DEFAULTS.withTextField(textField)))
                    .setTokenizer(tokenizer)
                    .setPageLength(config.nPositions());
            if (tokenCache != null) {
                b.optCacheDir(tokenCache);
            }
            built = b.build();
        }
        close();
        pages = built;
        key = next;
        return pages;
    }

    @Override
    public void close() {
        if (pages != null) {
            pages.close();
            pages = null;
            key = null;
        }
    }
}
