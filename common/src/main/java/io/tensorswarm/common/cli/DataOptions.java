package io.tensorswarm.common.cli;

import io.tensorswarm.common.data.DataSources;
import io.tensorswarm.common.data.TextDatasetOptions;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The data options shared by the commands that read a corpus: {@code --data}, {@code --text-field}
 * and {@code --token-cache}.
 */
public final class DataOptions {
    @Option(
            names = "--data",
            required = true,
            defaultValue = "${env:TS_DATA}",
            paramLabel = "<path|uri>",
            description = "Text data: a .txt, .jsonl(.gz) or .parquet file, a folder of them, or "
                    + "hf://datasets/owner/name[/glob] (downloaded once into the data cache). Required; env TS_DATA.")
    String data;

    @Option(
            names = "--data-cache",
            paramLabel = "<dir>",
            defaultValue = "${env:TS_DATA_CACHE:-${sys:user.home}/.cache/tensorswarm/data}",
            description = "Where remote datasets are downloaded (default: ${DEFAULT-VALUE}; env TS_DATA_CACHE).")
    Path dataCache;

    @Option(
            names = "--text-field",
            defaultValue = "${env:TS_TEXT_FIELD:-text}",
            paramLabel = "<name>",
            description = "JSON field / Parquet column holding the text (default: ${DEFAULT-VALUE}; env TS_TEXT_FIELD).")
    String textField;

    @Option(
            names = "--token-cache",
            paramLabel = "<dir>",
            defaultValue = "${env:TS_TOKEN_CACHE:-${sys:user.home}/.cache/tensorswarm/tokens}",
            description = "Where tokenized data is cached between runs (default: ${DEFAULT-VALUE}; env TS_TOKEN_CACHE).")
    Path tokenCache;

    /** Returns the {@code --data} value as given (a path or a URI). */
    public String data() {
        return data;
    }

    /**
     * Tokenizes the data (or reuses the cache) into pages of {@code pageLength} tokens.
     *
     * @throws ExitException when the data path does not exist
     */
    public TokenPages open(Tokenizer tokenizer, int pageLength) {
        Path local = DataSources.resolve(data, dataCache);
        if (!Files.exists(local)) {
            throw new ExitException(ExitCodes.FAILURE, "--data " + data + " does not exist");
        }
        return TokenPages.builder()
                .setDataset(TextDatasets.open(local, TextDatasetOptions.DEFAULTS.withTextField(textField)))
                .setTokenizer(tokenizer)
                .setPageLength(pageLength)
                .optCacheDir(tokenCache)
                .build();
    }
}
