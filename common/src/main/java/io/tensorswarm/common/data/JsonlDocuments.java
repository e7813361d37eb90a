package io.tensorswarm.common.data;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;
import java.util.zip.GZIPInputStream;

/** Streams the text field of each line of a JSON Lines file, optionally gzip-compressed. */
final class JsonlDocuments implements Iterator<String>, AutoCloseable {
    private static final ObjectMapper JSON =
            new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private final Path file;
    private final String field;
    private final BufferedReader reader;
    private long lineNumber;
    private String next;

    private JsonlDocuments(Path file, String field, BufferedReader reader) {
        this.file = file;
        this.field = field;
        this.reader = reader;
    }

    /**
     * Returns the documents of {@code file} lazily; the stream must be closed.
     *
     * @throws DataException when the file cannot be opened; later, while streaming, on a line that
     *     is not a JSON object with a string {@code field} (naming file and line)
     */
    static Stream<String> stream(Path file, boolean gzip, String field) {
        JsonlDocuments documents = new JsonlDocuments(file, field, open(file, gzip));
        return StreamSupport.stream(
                        Spliterators.spliteratorUnknownSize(documents, Spliterator.ORDERED | Spliterator.NONNULL),
                        false)
                .onClose(documents::close);
    }

    private static BufferedReader open(Path file, boolean gzip) {
        InputStream in = null;
        try {
            in = Files.newInputStream(file);
            if (gzip) {
                in = new GZIPInputStream(in, 1 << 16);
            }
            return new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)), 1 << 16);
        } catch (IOException e) {
            closeQuietly(in);
            throw new DataException("cannot open " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public boolean hasNext() {
        if (next == null) {
            next = readNext();
        }
        return next != null;
    }

    @Override
    public String next() {
        if (!hasNext()) {
            throw new NoSuchElementException();
        }
        String document = next;
        next = null;
        return document;
    }

    private String readNext() {
        while (true) {
            String line;
            try {
                line = reader.readLine();
            } catch (IOException | UncheckedIOException e) {
                throw new DataException("cannot read " + file + " after line " + lineNumber + ": " + e.getMessage(), e);
            }
            if (line == null) {
                return null;
            }
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String text = textOf(line);
            if (text != null) {
                return text;
            }
        }
    }

    private String textOf(String line) {
        JsonNode node;
        try {
            node = JSON.readTree(line);
        } catch (JsonProcessingException e) {
            throw new DataException(file + ":" + lineNumber + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!node.isObject()) {
            throw new DataException(file + ":" + lineNumber + ": expected a JSON object, found " + node.getNodeType());
        }
        JsonNode value = node.get(field);
        if (value == null) {
            throw new DataException(file + ":" + lineNumber + ": no field \"" + field + "\"");
        }
        if (value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            throw new DataException(file + ":" + lineNumber + ": field \"" + field + "\" is "
                    + value.getNodeType() + ", not a string");
        }
        return value.asText();
    }

    @Override
    public void close() {
        closeQuietly(reader);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        if (closeable != null) {
            try {
                closeable.close();
            } catch (Exception ignored) {
                // nothing useful to do: the data was read or the error is already reported
            }
        }
    }
}
