package io.tensorswarm.common.train;

import io.tensorswarm.common.data.TokenPages;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;

/**
 * The order in which a trainer sees pages, one page at a time: the one home of that order.
 *
 * <ol>
 *   <li>The {@code assigned} pages (the first values of the page sequence), all of them first, in a
 *       permutation seeded with {@code seed}.
 *   <li>Then fresh pages: the following values of the same sequence, each used once, until
 *       {@code maxPages} pages have been seen.
 *   <li>Then shuffled passes over all {@code maxPages} of them, each a fresh permutation from the same
 *       random stream, for as long as pages are asked for.
 * </ol>
 *
 * <p>With {@code maxPages == assigned} there are no fresh pages: the order is that of the former
 * {@link BatchOrder} over the assigned pages, page for page (same seeded permutations), so a run that
 * needs no more than the assigned pages trains exactly as before. Pages are read through {@code
 * pageAt} when they are served and not kept; the order keeps only the indices seen (8 bytes a page),
 * so memory grows with the pages actually used, not with the cap. The same sequence, counts and seed
 * give the same order on every machine. Not thread-safe.
 */
public final class PageOrder {
    private final int assigned;
    private final int maxPages;
    private final LongSupplier sequence;
    private final LongFunction<int[]> pageAt;
    private final SplittableRandom random;
    private long[] indices;
    private int drawn;
    private int[] order;
    private int next;
    private long served;
    private boolean firstPass = true;

    private PageOrder(int assigned, int maxPages, LongSupplier sequence, LongFunction<int[]> pageAt, long seed) {
        if (assigned < 1) {
            throw new IllegalArgumentException("no training pages");
        }
        if (maxPages < assigned) {
            throw new IllegalArgumentException("maxPages " + maxPages + " is below the " + assigned + " assigned pages");
        }
        this.assigned = assigned;
        this.maxPages = maxPages;
        this.sequence = Objects.requireNonNull(sequence, "sequence");
        this.pageAt = Objects.requireNonNull(pageAt, "pageAt");
        this.random = new SplittableRandom(seed);
        this.indices = new long[Math.min(maxPages, Math.max(assigned, 64))];
        for (int i = 0; i < assigned; i++) {
            indices[drawn++] = sequence.getAsLong();
        }
        shuffle(assigned);
    }

    /**
     * Returns the order over a sequence of page indices: its first {@code assigned} values shuffled,
     * then fresh values until {@code maxPages}, then shuffled passes over all of them.
     *
     * @param sequence the page indices in order (e.g. {@link TokenPages#pageSequenceFor}); called once
     *     per page, at most {@code maxPages} times; distinct values make distinct pages
     * @param pageAt reads a page by index
     * @throws IllegalArgumentException when {@code assigned < 1} or {@code maxPages < assigned}
     */
    public static PageOrder of(int assigned, int maxPages, LongSupplier sequence, LongFunction<int[]> pageAt,
            long seed) {
        return new PageOrder(assigned, maxPages, sequence, pageAt, seed);
    }

    /**
     * Returns the order of a miner's round: its {@code assigned} pages ({@link
     * TokenPages#pagesFor(long, String, int)}) first, then fresh pages of its own sequence up to {@code
     * maxPages} in all, the cap bounded by the corpus's page count (but never below {@code assigned}).
     *
     * @throws IllegalArgumentException when {@code assigned < 1} or {@code maxPages < assigned}
     */
    public static PageOrder forRound(TokenPages corpus, long round, String hotkey, int assigned, int maxPages,
            long seed) {
        if (maxPages < assigned) {
            throw new IllegalArgumentException("maxPages " + maxPages + " is below the " + assigned + " assigned pages");
        }
        int cap = (int) Math.max(assigned, Math.min(maxPages, corpus.pageCount()));
        return new PageOrder(assigned, cap, corpus.pageSequenceFor(round, hotkey), corpus::page, seed);
    }

    /**
     * Returns shuffled passes over {@code pages} (all assigned, none fresh): the order of {@link
     * BatchOrder#BatchOrder(List, int, long)}.
     *
     * @throws IllegalArgumentException when there are no pages
     */
    public static PageOrder cycling(List<int[]> pages, long seed) {
        List<int[]> copy = List.copyOf(pages);
        long[] i = {0};
        return new PageOrder(copy.size(), copy.size(), () -> i[0]++, index -> copy.get((int) index), seed);
    }

    /** Returns the next page. */
    public int[] next() {
        return pageAt.apply(nextIndex());
    }

    /** Returns the index (in the sequence's terms) of the next page and moves past it. */
    long nextIndex() {
        served++;
        if (firstPass) {
            if (next < assigned) {
                return indices[order[next++]];
            }
            if (drawn < maxPages) {
                if (drawn == indices.length) {
                    indices = Arrays.copyOf(indices, (int) Math.min(maxPages, 2L * indices.length));
                }
                long index = sequence.getAsLong();
                indices[drawn++] = index;
                return index;
            }
            firstPass = false;
            order = null;
            next = Integer.MAX_VALUE;
        }
        if (next >= drawn) {
            shuffle(drawn);
        }
        return indices[order[next++]];
    }

    /** A fresh seeded permutation of positions {@code [0, n)}, as {@link BatchOrder} always drew it. */
    private void shuffle(int n) {
        if (order == null || order.length != n) {
            order = new int[n];
        }
        for (int i = 0; i < n; i++) {
            order[i] = i;
        }
        for (int i = n - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        next = 0;
    }

    /** Returns the number of assigned pages, trained on first. */
    public int assigned() {
        return assigned;
    }

    /** Returns the most distinct pages the order serves before it repeats one. */
    public int maxPages() {
        return maxPages;
    }

    /** Returns how many pages have been served so far (repeats included). */
    public long served() {
        return served;
    }

    /** Returns how many distinct positions of the sequence have been served so far. */
    public int distinctServed() {
        return (int) Math.min(served, maxPages);
    }
}
