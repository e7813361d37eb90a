package io.tensorswarm.common.data;

import java.util.stream.Stream;

/**
 * An ordered collection of text documents, read as a stream so a corpus never has to fit in memory.
 *
 * <p>The order is part of the contract: two parties opening the same data must see the same
 * documents in the same order, because pages are cut from the token stream in that order.
 * {@link #fingerprint()} changes whenever a document, the order or the reading options change.
 * Local files and folders come from {@link TextDatasets#open}; other sources (Hub datasets) can
 * implement this interface.
 *
 * <pre>{@code
 * TextDataset corpus = TextDatasets.open(Path.of("data/brown"));
 * try (Stream<String> docs = corpus.documents()) {
 *     docs.forEach(doc -> ...);
 * }
 * }</pre>
 */
public interface TextDataset {

    /** Returns a short human-readable name, e.g. the folder or file name. */
    String name();

    /**
     * Returns a hex SHA-256 identifying the content, order and reading options of this dataset; the
     * same data gives the same fingerprint on every machine.
     *
     * @throws DataException when the data cannot be read
     */
    String fingerprint();

    /**
     * Returns the documents in order, lazily; close the stream to release open files. Null values
     * (a null text column or JSON null) are skipped.
     *
     * @throws DataException while streaming, on a malformed file or line (naming it)
     */
    Stream<String> documents();
}
