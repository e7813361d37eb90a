package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A miner's page sequence is prefix-stable: asking for more pages extends the fewer, never reorders them. */
@Timeout(60)
class PageSequenceTest {
    private static final String FINGERPRINT = "cd".repeat(32);
    private static final String HOTKEY = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    @Test
    void moreAssignedPagesExtendFewerAssignedPages() {
        byte[] seed = PageSampler.assignedSeed(3, HOTKEY, FINGERPRINT);
        for (long count : new long[] {1, 7, 100, 1_000_003}) {
            long[] longest = PageSampler.sample(seed, count, 300);
            for (int n : new int[] {0, 1, 5, 24, 99, 299}) {
                assertArrayEquals(Arrays.copyOf(longest, n), PageSampler.sample(seed, count, n),
                        "count " + count + ": the first " + n + " of 300 are the sample of " + n);
            }
        }
    }

    @Test
    void lazySequenceYieldsTheSampleOneAtATime() {
        byte[] seed = PageSampler.assignedSeed(9, HOTKEY, FINGERPRINT);
        for (long count : new long[] {1, 5, 64, 50_000}) {
            long[] sample = PageSampler.sample(seed, count, 200);
            LongSupplier sequence = PageSampler.sequence(seed, count);
            long[] drawn = new long[200];
            for (int i = 0; i < drawn.length; i++) {
                drawn[i] = sequence.getAsLong();
            }
            assertArrayEquals(sample, drawn, "count " + count);
        }
    }

    @Test
    void tokenPagesSequenceStartsWithTheAssignedPagesAndStaysDistinct() {
        int[] tokens = new int[4 * 500];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i;
        }
        try (TokenPages pages = TokenPages.of(tokens, 4, FINGERPRINT)) {
            long[] assigned = pages.pageIndicesFor(11, HOTKEY, 24);
            LongSupplier sequence = pages.pageSequenceFor(11, HOTKEY);
            Set<Long> seen = new HashSet<>();
            for (int i = 0; i < 500; i++) {
                long index = sequence.getAsLong();
                if (i < 24) {
                    assertEquals(assigned[i], index, "position " + i);
                }
                assertEquals(true, seen.add(index), "page " + index + " repeated at position " + i);
            }
            assertEquals(500, seen.size());
        }
    }
}
