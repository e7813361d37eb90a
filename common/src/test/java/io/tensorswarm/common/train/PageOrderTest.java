package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.data.TokenPages;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class PageOrderTest {
    private static final String FINGERPRINT = "ef".repeat(32);
    private static final String HOTKEY = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    /** A corpus of {@code n} pages of length 2 whose page {@code i} starts with token {@code i}. */
    private static TokenPages corpus(int n) {
        int[] tokens = new int[2 * n];
        for (int i = 0; i < n; i++) {
            tokens[2 * i] = i;
            tokens[2 * i + 1] = i;
        }
        return TokenPages.of(tokens, 2, FINGERPRINT);
    }

    private static List<Long> take(PageOrder order, int n) {
        List<Long> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add((long) order.next()[0]);
        }
        return out;
    }

    @Test
    void allAssignedPagesAreTrainedBeforeAnyFreshPage() {
        try (TokenPages pages = corpus(1000)) {
            long[] assigned = pages.pageIndicesFor(5, HOTKEY, 24);
            Set<Long> assignedSet = new HashSet<>();
            for (long a : assigned) {
                assignedSet.add(a);
            }
            List<Long> served = take(PageOrder.forRound(pages, 5, HOTKEY, 24, 24 * 64, 5), 100);
            assertEquals(assignedSet, new HashSet<>(served.subList(0, 24)), "the first 24 are the assigned pages");
            for (long fresh : served.subList(24, 100)) {
                assertTrue(!assignedSet.contains(fresh), "fresh page " + fresh + " is not an assigned one");
            }
            List<Long> assignedInOrder = new ArrayList<>();
            for (long a : assigned) {
                assignedInOrder.add(a);
            }
            assertNotEquals(assignedInOrder, served.subList(0, 24), "the assigned pages come shuffled");
        }
    }

    @Test
    void freshPagesAreNotRepeatedBeforeTheCapThenPassesCoverAllOfThem() {
        try (TokenPages pages = corpus(1000)) {
            PageOrder order = PageOrder.forRound(pages, 2, HOTKEY, 8, 200, 2);
            List<Long> first = take(order, 200);
            assertEquals(200, new HashSet<>(first).size(), "200 distinct pages before the cap");
            assertEquals(200, order.distinctServed());
            List<Long> second = take(order, 200);
            assertEquals(new HashSet<>(first), new HashSet<>(second), "the next pass is over the same 200 pages");
            assertNotEquals(first, second, "in a new shuffled order");
            assertEquals(400, order.served());
        }
    }

    @Test
    void theCapIsBoundedByTheCorpusPageCount() {
        try (TokenPages pages = corpus(40)) {
            PageOrder order = PageOrder.forRound(pages, 0, HOTKEY, 8, 8 * 64, 0);
            assertEquals(40, order.maxPages());
            List<Long> first = take(order, 40);
            assertEquals(40, new HashSet<>(first).size(), "every page of the corpus once");
            assertEquals(40, new HashSet<>(take(order, 40)).size());
        }
    }

    @Test
    void withTheCapAtTheAssignedPagesTheOrderIsTheFormerBatchOrder() {
        List<int[]> pages = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            pages.add(new int[] {i, i});
        }
        PageOrder order = PageOrder.cycling(pages, 77);
        // the former BatchOrder: a seeded Fisher-Yates permutation, a fresh one from the same stream when used up
        SplittableRandom random = new SplittableRandom(77);
        for (int pass = 0; pass < 4; pass++) {
            int[] perm = new int[13];
            for (int i = 0; i < 13; i++) {
                perm[i] = i;
            }
            for (int i = 12; i > 0; i--) {
                int j = random.nextInt(i + 1);
                int tmp = perm[i];
                perm[i] = perm[j];
                perm[j] = tmp;
            }
            for (int i = 0; i < 13; i++) {
                assertArrayEquals(pages.get(perm[i]), order.next(), "pass " + pass + " position " + i);
            }
        }
    }

    @Test
    void sameCorpusRoundAndSeedGiveTheSameOrder() {
        try (TokenPages pages = corpus(500)) {
            assertEquals(take(PageOrder.forRound(pages, 4, HOTKEY, 16, 100, 4), 250),
                    take(PageOrder.forRound(pages, 4, HOTKEY, 16, 100, 4), 250));
            assertNotEquals(take(PageOrder.forRound(pages, 4, HOTKEY, 16, 100, 4), 50),
                    take(PageOrder.forRound(pages, 5, HOTKEY, 16, 100, 5), 50));
        }
    }

    @Test
    void aCapBelowTheAssignedPagesIsRefused() {
        try (TokenPages pages = corpus(100)) {
            assertThrows(IllegalArgumentException.class, () -> PageOrder.forRound(pages, 0, HOTKEY, 8, 7, 0));
        }
        assertThrows(IllegalArgumentException.class, () -> PageOrder.cycling(List.of(), 0));
    }
}
