package io.tensorswarm.common.data;

import java.util.Objects;

/**
 * How {@link TextDatasets} reads files.
 *
 * @param textField the JSON field of each {@code .jsonl} line, and the Parquet column, holding the
 *     document text
 */
public record TextDatasetOptions(String textField) {
    /** Reads the field or column {@code text}. */
    public static final TextDatasetOptions DEFAULTS = new TextDatasetOptions("text");

    public TextDatasetOptions {
        Objects.requireNonNull(textField, "textField");
        if (textField.isBlank()) {
            throw new IllegalArgumentException("textField must not be blank");
        }
    }

    /** Returns these options with another text field or column name. */
    public TextDatasetOptions withTextField(String field) {
        return new TextDatasetOptions(field);
    }
}
