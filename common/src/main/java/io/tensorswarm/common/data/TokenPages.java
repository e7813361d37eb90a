package io.tensorswarm.common.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;
import java.util.stream.LongStream;
import java.util.stream.Stream;

/**
 * Cuts a tokenized dataset into pages: fixed windows of {@link #pageLength()} token ids (the
 * model's context length), page {@code i} being tokens {@code [i*L, (i+1)*L)} of the stream.
 *
 * <p>The token stream is the documents in order, separated by the tokenizer's end-of-text id (or
 * the ids of {@code "\n"} when it has none, as for the byte tokenizer). Only complete windows are
 * pages; the tail after the last one is unused. When the whole stream is shorter than one page,
 * there is one page, padded with {@link #PAD} (the trainer masks PAD targets).
 *
 * <p>With a cache directory the stream is tokenized once into {@code <dir>/<fingerprint>.tokens}
 * and pages are read from that file on demand, so a large corpus is neither re-tokenized nor held
 * in memory; without one, it is held in memory. Which pages a miner trains on and which a validator
 * evaluates on follow from {@link PageSampler}, seeded with the {@link #fingerprint()}. Reads are
 * safe for concurrent use. Close to release the cache file.
 *
 * <pre>{@code
 * try (Tokenizer tokenizer = Tokenizers.forModelDir(modelDir, config.vocabSize());
 *      TokenPages pages = TokenPages.builder()
 *              .setDataset(TextDatasets.open(Path.of("data/brown")))
 *              .setTokenizer(tokenizer)
 *              .setPageLength(config.nPositions())
 *              .optCacheDir(workDir.resolve("tokens"))
 *              .build()) {
 *     List<int[]> mine = pages.pagesFor(round, hotkey, 8);
 * }
 * }</pre>
 */
public final class TokenPages implements AutoCloseable {
    /** Fills the end of a page shorter than the page length; never a real token id. */
    public static final int PAD = -1;
    private static final String FINGERPRINT_DOMAIN = "tensorswarm-tokens-v1";

    private final TokenStream tokens;
    private final int pageLength;
    private final String fingerprint;

    private TokenPages(TokenStream tokens, int pageLength, String fingerprint) {
        this.tokens = tokens;
        this.pageLength = pageLength;
        this.fingerprint = fingerprint;
    }

    /** Returns a builder that tokenizes a dataset. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Returns pages over an already tokenized stream, e.g. for tests or a trainer fed directly.
     *
     * @param tokens the stream, kept (not copied) and closed with the pages
     * @param pageLength tokens per page, at least 1
     * @param fingerprint identifies the stream's content; seeds page sampling
     * @throws DataException when the stream is empty
     */
    public static TokenPages of(TokenStream tokens, int pageLength, String fingerprint) {
        if (pageLength < 1) {
            throw new IllegalArgumentException("pageLength must be at least 1: " + pageLength);
        }
        Objects.requireNonNull(fingerprint, "fingerprint");
        if (tokens.length() == 0) {
            tokens.close();
            throw new DataException("token stream " + fingerprint + " is empty: no pages");
        }
        return new TokenPages(tokens, pageLength, fingerprint);
    }

    /** Returns {@link #of(TokenStream, int, String)} over {@code tokens} in memory. */
    public static TokenPages of(int[] tokens, int pageLength, String fingerprint) {
        return of(TokenStream.of(tokens), pageLength, fingerprint);
    }

    /**
     * Returns the fingerprint of a dataset tokenized by a tokenizer: hex SHA-256 of
     * {@code "tensorswarm-tokens-v1\n" + datasetFingerprint + "\n" + tokenizerName}.
     */
    public static String fingerprint(String datasetFingerprint, String tokenizerName) {
        MessageDigest digest = FileSetDataset.sha256();
        digest.update((FINGERPRINT_DOMAIN + "\n" + datasetFingerprint + "\n" + tokenizerName)
                .getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest.digest());
    }

    /** Returns the number of token ids per page. */
    public int pageLength() {
        return pageLength;
    }

    /** Returns the length of the whole token stream. */
    public long tokenCount() {
        return tokens.length();
    }

    /** Returns the fingerprint of the dataset and tokenizer (hex SHA-256). */
    public String fingerprint() {
        return fingerprint;
    }

    /**
     * Returns the number of pages: {@code tokenCount / pageLength} complete windows, or 1 (a padded
     * page) when the stream is shorter than one page.
     */
    public long pageCount() {
        return Math.max(1, tokens.length() / pageLength);
    }

    /**
     * Returns page {@code index}: tokens {@code [index*L, (index+1)*L)}, padded with {@link #PAD}
     * only when the stream is shorter than one page.
     *
     * @throws IndexOutOfBoundsException when {@code index} is not below {@link #pageCount()}
     */
    public int[] page(long index) {
        Objects.checkIndex(index, pageCount());
        int[] page = new int[pageLength];
        long start = index * pageLength;
        int available = (int) Math.min(pageLength, tokens.length() - start);
        tokens.read(start, page, 0, available);
        Arrays.fill(page, available, pageLength, PAD);
        return page;
    }

    /** Returns the pages at {@code indices}, in that order. */
    public List<int[]> pages(long[] indices) {
        List<int[]> out = new ArrayList<>(indices.length);
        for (long index : indices) {
            out.add(page(index));
        }
        return out;
    }

    /**
     * Returns every page in order, in memory ({@code pageCount * pageLength} ints); for a large
     * corpus prefer {@link #stream()}.
     *
     * @throws DataException when there are more pages than a list can hold
     */
    public List<int[]> allPages() {
        if (pageCount() > Integer.MAX_VALUE - 8) {
            throw new DataException("too many pages for a list: " + pageCount());
        }
        return stream().toList();
    }

    /** Returns every page in order, read lazily. */
    public Stream<int[]> stream() {
        return LongStream.range(0, pageCount()).mapToObj(this::page);
    }

    /**
     * Returns the indices of the {@code n} training pages of {@code hotkey} in {@code round}: the
     * {@link PageSampler} seeded with {@link PageSampler#assignedSeed}. Distinct when
     * {@code n <= pageCount()}.
     */
    public long[] pageIndicesFor(long round, String hotkey, int n) {
        return PageSampler.sample(PageSampler.assignedSeed(round, hotkey, fingerprint), pageCount(), n);
    }

    /** Returns the pages of {@link #pageIndicesFor}. */
    public List<int[]> pagesFor(long round, String hotkey, int n) {
        return pages(pageIndicesFor(round, hotkey, n));
    }

    /**
     * Returns the page sequence of {@code hotkey} in {@code round}, drawn lazily: its first {@code n}
     * values are {@link #pageIndicesFor pageIndicesFor(round, hotkey, n)} for every {@code n}, so a miner
     * that trains on more pages than it was assigned continues its own sequence (distinct for the first
     * {@link #pageCount()} values). Not thread-safe.
     */
    public LongSupplier pageSequenceFor(long round, String hotkey) {
        return PageSampler.sequence(PageSampler.assignedSeed(round, hotkey, fingerprint), pageCount());
    }

    /**
     * Returns the indices of {@code n} evaluation pages for {@code seed} (e.g. a block hash): the
     * {@link PageSampler} seeded with {@link PageSampler#evalSeed}.
     */
    public long[] evalPageIndices(byte[] seed, int n) {
        return PageSampler.sample(PageSampler.evalSeed(seed, fingerprint), pageCount(), n);
    }

    /**
     * Returns {@code n} evaluation page indices for {@code seed} that are not {@code excluded}
     * (e.g. assigned to any miner this round): {@link #evalPageIndices(byte[], int)}'s sequence
     * with excluded indices skipped.
     *
     * @throws DataException when every page is excluded
     */
    public long[] evalPageIndices(byte[] seed, int n, LongPredicate excluded) {
        return PageSampler.sample(PageSampler.evalSeed(seed, fingerprint), pageCount(), n, excluded);
    }

    /** Returns {@link #evalPageIndices(byte[], int)} for the 8 big-endian bytes of {@code seed}. */
    public long[] evalPageIndices(long seed, int n) {
        return evalPageIndices(ByteBuffer.allocate(8).putLong(seed).array(), n);
    }

    /** Returns the pages of {@link #evalPageIndices(byte[], int)}. */
    public List<int[]> evalPages(byte[] seed, int n) {
        return pages(evalPageIndices(seed, n));
    }

    /** Returns the pages of {@link #evalPageIndices(long, int)}. */
    public List<int[]> evalPages(long seed, int n) {
        return pages(evalPageIndices(seed, n));
    }

    /** Releases the cache file, if any. */
    @Override
    public void close() {
        tokens.close();
    }

    @Override
    public String toString() {
        return "TokenPages[" + fingerprint.substring(0, Math.min(12, fingerprint.length())) + ", "
                + tokens.length() + " tokens, " + pageCount() + " pages of " + pageLength + "]";
    }

    /**
     * Builds {@link TokenPages} from a dataset and tokenizer. Required: {@code setDataset},
     * {@code setTokenizer}, {@code setPageLength}; optional: {@code optCacheDir}.
     */
    public static final class Builder {
        private TextDataset dataset;
        private Tokenizer tokenizer;
        private int pageLength;
        private Path cacheDir;

        private Builder() {}

        /** Sets the documents to tokenize (required). */
        public Builder setDataset(TextDataset dataset) {
            this.dataset = dataset;
            return this;
        }

        /** Sets the tokenizer (required); it is not closed by the pages. */
        public Builder setTokenizer(Tokenizer tokenizer) {
            this.tokenizer = tokenizer;
            return this;
        }

        /** Sets the tokens per page, the model's context length (required, at least 1). */
        public Builder setPageLength(int pageLength) {
            this.pageLength = pageLength;
            return this;
        }

        /** Sets where the token stream is cached on disk; without it the stream stays in memory. */
        public Builder optCacheDir(Path cacheDir) {
            this.cacheDir = cacheDir;
            return this;
        }

        /**
         * Tokenizes the dataset (or reuses the cache) and returns its pages.
         *
         * @throws IllegalArgumentException when a required value is missing
         * @throws DataException when the data cannot be read or yields no tokens
         */
        public TokenPages build() {
            if (dataset == null) {
                throw new IllegalArgumentException("You must set a dataset");
            }
            if (tokenizer == null) {
                throw new IllegalArgumentException("You must set a tokenizer");
            }
            if (pageLength < 1) {
                throw new IllegalArgumentException("You must set a page length of at least 1, got " + pageLength);
            }
            String fp = fingerprint(dataset.fingerprint(), tokenizer.name());
            TokenStream stream = cacheDir == null
                    ? TokenStreamBuilder.inMemory(dataset, tokenizer)
                    : TokenStreamBuilder.cached(dataset, tokenizer, cacheDir.resolve(fp + ".tokens"));
            if (stream.length() == 0) {
                stream.close();
                throw new DataException("dataset " + dataset.name() + " has no text: no pages");
            }
            return new TokenPages(stream, pageLength, fp);
        }
    }
}
