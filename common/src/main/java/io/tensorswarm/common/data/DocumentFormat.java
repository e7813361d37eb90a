package io.tensorswarm.common.data;

import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

/** The file types a {@link TextDataset} reads, chosen by file name. */
enum DocumentFormat {
    TEXT(".txt") {
        @Override
        Stream<String> documents(Path file, TextDatasetOptions options) {
            return Stream.of(TextFileDocuments.read(file));
        }
    },
    JSONL_GZ(".jsonl.gz") {
        @Override
        Stream<String> documents(Path file, TextDatasetOptions options) {
            return JsonlDocuments.stream(file, true, options.textField());
        }
    },
    JSONL(".jsonl") {
        @Override
        Stream<String> documents(Path file, TextDatasetOptions options) {
            return JsonlDocuments.stream(file, false, options.textField());
        }
    },
    PARQUET(".parquet") {
        @Override
        Stream<String> documents(Path file, TextDatasetOptions options) {
            return ParquetDocuments.stream(file, options.textField());
        }
    };

    private final String suffix;

    DocumentFormat(String suffix) {
        this.suffix = suffix;
    }

    /** Returns the format of {@code file} by its (case-insensitive) suffix, if supported. */
    static Optional<DocumentFormat> of(Path file) {
        String name = TextDatasets.lowerName(file);
        for (DocumentFormat format : values()) {
            if (name.endsWith(format.suffix)) {
                return Optional.of(format);
            }
        }
        return Optional.empty();
    }

    /** Returns the documents of {@code file}, lazily where the format allows; close the stream. */
    abstract Stream<String> documents(Path file, TextDatasetOptions options);
}
