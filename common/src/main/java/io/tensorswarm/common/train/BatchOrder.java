package io.tensorswarm.common.train;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Returns batches of pages from a {@link PageOrder}, consumed page by page. Over a list of pages it is
 * a deterministic shuffled order: a seeded permutation of all pages, consumed batch by batch, and a
 * fresh permutation from the same random stream when it runs out ({@link PageOrder#cycling}). The
 * same pages and seed give the same sequence of batches on every machine.
 */
public final class BatchOrder {
    private final PageOrder pages;
    private final int batchSize;

    /**
     * Creates a sampler over shuffled passes of {@code pages}.
     *
     * @throws IllegalArgumentException when there are no pages or the batch size is not positive
     */
    public BatchOrder(List<int[]> pages, int batchSize, long seed) {
        this(PageOrder.cycling(checkBatch(pages, batchSize), seed), batchSize);
    }

    /**
     * Creates a sampler that cuts {@code pages} into batches of {@code batchSize}.
     *
     * @throws IllegalArgumentException when the batch size is not positive
     */
    public BatchOrder(PageOrder pages, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.pages = Objects.requireNonNull(pages, "pages");
        this.batchSize = batchSize;
    }

    private static List<int[]> checkBatch(List<int[]> pages, int batchSize) {
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no training pages");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        return pages;
    }

    /** Returns the page order the batches are cut from. */
    public PageOrder pageOrder() {
        return pages;
    }

    /** Returns the next batch of {@code batchSize} pages. */
    public List<int[]> nextBatch() {
        List<int[]> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            batch.add(pages.next());
        }
        return batch;
    }
}
