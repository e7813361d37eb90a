package io.tensorswarm.common.train;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Returns batches of pages in a deterministic shuffled order: a seeded permutation of all pages,
 * consumed batch by batch, and a fresh permutation from the same random stream when it runs out.
 * The same pages and seed give the same sequence of batches on every machine.
 */
public final class BatchOrder {
    private final List<int[]> pages;
    private final int batchSize;
    private final SplittableRandom random;
    private final int[] order;
    private int next;

    /**
     * Creates a sampler.
     *
     * @throws IllegalArgumentException when there are no pages or the batch size is not positive
     */
    public BatchOrder(List<int[]> pages, int batchSize, long seed) {
        if (pages.isEmpty()) {
            throw new IllegalArgumentException("no training pages");
        }
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be positive");
        }
        this.pages = List.copyOf(pages);
        this.batchSize = batchSize;
        this.random = new SplittableRandom(seed);
        this.order = new int[pages.size()];
        reshuffle();
    }

    private void reshuffle() {
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        for (int i = order.length - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            int tmp = order[i];
            order[i] = order[j];
            order[j] = tmp;
        }
        next = 0;
    }

    /** Returns the next batch of {@code batchSize} pages. */
    public List<int[]> nextBatch() {
        List<int[]> batch = new ArrayList<>(batchSize);
        while (batch.size() < batchSize) {
            if (next == order.length) {
                reshuffle();
            }
            batch.add(pages.get(order[next++]));
        }
        return batch;
    }
}
