package io.tensorswarm.common.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokenizes a dataset into one token stream: documents in order, separated by the tokenizer's
 * end-of-text id, or by the ids of {@code "\n"} when it has none. Documents that encode to no
 * tokens are skipped (no separator either).
 */
final class TokenStreamBuilder {
    private static final Logger log = LoggerFactory.getLogger(TokenStreamBuilder.class);
    private static final int WRITE_BUFFER_INTS = 1 << 18;
    /** At most this many documents are encoded in one batch. */
    static final int BATCH_DOCUMENTS = 64;
    /** A batch is encoded once its documents reach this many characters. */
    static final long BATCH_CHARS = 4L << 20;

    private TokenStreamBuilder() {}

    /** Returns the ids placed between two documents. */
    static int[] separator(Tokenizer tokenizer) {
        return tokenizer.eosTokenId().isPresent()
                ? new int[] {tokenizer.eosTokenId().getAsInt()}
                : tokenizer.encode("\n");
    }

    /** Returns the whole token stream of {@code dataset} in memory. */
    static TokenStream inMemory(TextDataset dataset, Tokenizer tokenizer) {
        IntList tokens = new IntList();
        long documents = forEachDocument(dataset, tokenizer, tokens::addAll);
        log.info("tokenized dataset {} with {}: {} documents, {} tokens", dataset.name(), tokenizer.name(),
                documents, tokens.size());
        return TokenStream.of(tokens.toArray());
    }

    /**
     * Returns the token stream of {@code dataset} read from {@code cacheFile}, tokenizing into that
     * file first when it is missing or damaged. The file appears atomically, so concurrent builders
     * and readers never see a partial one.
     */
    static TokenStream cached(TextDataset dataset, Tokenizer tokenizer, Path cacheFile) {
        if (Files.isRegularFile(cacheFile)) {
            try {
                TokenStream stream = FileTokenStream.open(cacheFile);
                log.debug("token cache hit {} ({} tokens)", cacheFile, stream.length());
                return stream;
            } catch (DataException e) {
                log.warn("{}; rebuilding it", e.getMessage());
            }
        }
        write(dataset, tokenizer, cacheFile);
        return FileTokenStream.open(cacheFile);
    }

    private static void write(TextDataset dataset, Tokenizer tokenizer, Path cacheFile) {
        Path dir = cacheFile.toAbsolutePath().getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, cacheFile.getFileName().toString(), ".partial");
            long start = System.nanoTime();
            long[] counts;
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                counts = writeTokens(dataset, tokenizer, out);
                out.force(false);
            }
            Files.move(temp, cacheFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            log.info("tokenized dataset {} with {}: {} documents, {} tokens in {} ms -> {}", dataset.name(),
                    tokenizer.name(), counts[0], counts[1], (System.nanoTime() - start) / 1_000_000L, cacheFile);
        } catch (IOException e) {
            throw new DataException("cannot write token cache " + cacheFile + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // a stray partial file is harmless: its name never matches a cache key
                }
            }
        }
    }

    /** Writes header and tokens; returns {documents, tokens}. */
    private static long[] writeTokens(TextDataset dataset, Tokenizer tokenizer, FileChannel out) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(WRITE_BUFFER_INTS * 4).order(ByteOrder.LITTLE_ENDIAN);
        out.position(FileTokenStream.HEADER_BYTES);
        long[] tokenCount = {0};
        long documents = forEachDocument(dataset, tokenizer, ids -> {
            int at = 0;
            while (at < ids.length) {
                int n = Math.min(ids.length - at, buffer.remaining() / 4);
                buffer.asIntBuffer().put(ids, at, n);
                buffer.position(buffer.position() + 4 * n);
                at += n;
                if (!buffer.hasRemaining()) {
                    drain(buffer, out);
                }
            }
            tokenCount[0] += ids.length;
        });
        drain(buffer, out);
        ByteBuffer header = ByteBuffer.allocate(FileTokenStream.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
        header.put(FileTokenStream.MAGIC).putLong(tokenCount[0]).flip();
        while (header.hasRemaining()) {
            out.write(header, header.position());
        }
        return new long[] {documents, tokenCount[0]};
    }

    private static void drain(ByteBuffer buffer, FileChannel out) {
        buffer.flip();
        try {
            while (buffer.hasRemaining()) {
                out.write(buffer);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        buffer.clear();
    }

    /**
     * Feeds the ids of each non-empty document, preceded by the separator after the first one.
     * Documents are encoded in batches ({@link Tokenizer#encodeAll}) of up to {@link #BATCH_DOCUMENTS}
     * documents or {@link #BATCH_CHARS} characters.
     */
    private static long forEachDocument(TextDataset dataset, Tokenizer tokenizer, IdSink sink) {
        int[] separator = separator(tokenizer);
        long[] documents = {0};
        List<String> batch = new ArrayList<>();
        long batchChars = 0;
        try (Stream<String> docs = dataset.documents()) {
            Iterator<String> it = docs.iterator();
            while (it.hasNext()) {
                String document = it.next();
                batch.add(document);
                batchChars += document.length();
                if (batch.size() >= BATCH_DOCUMENTS || batchChars >= BATCH_CHARS) {
                    feed(tokenizer.encodeAll(batch), separator, sink, documents);
                    batch.clear();
                    batchChars = 0;
                }
            }
            feed(tokenizer.encodeAll(batch), separator, sink, documents);
        } catch (UncheckedIOException e) {
            throw new DataException("cannot write token cache for " + dataset.name() + ": "
                    + e.getCause().getMessage(), e);
        }
        return documents[0];
    }

    private static void feed(List<int[]> encoded, int[] separator, IdSink sink, long[] documents) {
        for (int[] ids : encoded) {
            if (ids.length == 0) {
                continue;
            }
            if (documents[0] > 0) {
                sink.accept(separator);
            }
            sink.accept(ids);
            documents[0]++;
        }
    }

    @FunctionalInterface
    private interface IdSink {
        void accept(int[] ids);
    }

    /** A growable int array. */
    private static final class IntList {
        private int[] values = new int[1024];
        private int size;

        void addAll(int[] ids) {
            if (size + ids.length > values.length) {
                long wanted = Math.max((long) values.length * 2, (long) size + ids.length);
                if (wanted > Integer.MAX_VALUE - 8) {
                    throw new DataException("token stream too large for memory (" + wanted
                            + " tokens); use a cache directory");
                }
                values = Arrays.copyOf(values, (int) wanted);
            }
            System.arraycopy(ids, 0, values, size, ids.length);
            size += ids.length;
        }

        int size() {
            return size;
        }

        int[] toArray() {
            return Arrays.copyOf(values, size);
        }
    }
}
