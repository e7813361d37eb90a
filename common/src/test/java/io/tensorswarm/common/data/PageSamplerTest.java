package io.tensorswarm.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Expected indices come from the independent Python implementation of the documented algorithm,
 * {@code scripts/page_sampler_reference.py} (commands quoted per case), so Java and the reference
 * agree bit for bit.
 */
class PageSamplerTest {
    private static final String FINGERPRINT = "ab".repeat(32);
    private static final String HOTKEY = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";

    @Test
    void assignedPagesMatchTheReferenceImplementation() {
        // page_sampler_reference.py assigned 7 <HOTKEY> <FINGERPRINT> 1000 8
        assertArrayEquals(new long[] {599, 906, 177, 437, 660, 969, 60, 488},
                PageSampler.sample(PageSampler.assignedSeed(7, HOTKEY, FINGERPRINT), 1000, 8));
    }

    @Test
    void wrapsIntoAFreshPermutationWhenAskedForMorePagesThanExist() {
        // page_sampler_reference.py assigned 7 <HOTKEY> <FINGERPRINT> 5 12
        long[] indices = PageSampler.sample(PageSampler.assignedSeed(7, HOTKEY, FINGERPRINT), 5, 12);
        assertArrayEquals(new long[] {4, 3, 0, 1, 2, 4, 1, 3, 0, 2, 3, 1}, indices);
        long[] firstPass = Arrays.copyOfRange(indices, 0, 5);
        long[] secondPass = Arrays.copyOfRange(indices, 5, 10);
        Arrays.sort(firstPass);
        Arrays.sort(secondPass);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, firstPass);
        assertArrayEquals(new long[] {0, 1, 2, 3, 4}, secondPass);
    }

    @Test
    void evalPagesMatchTheReferenceImplementationIncludingHugeCounts() {
        byte[] seed = {0, 0, 0, 0, 0, 0, 0, 42};
        // page_sampler_reference.py eval 000000000000002a <FINGERPRINT> 1000 6
        assertArrayEquals(new long[] {67, 152, 885, 276, 761, 404},
                PageSampler.sample(PageSampler.evalSeed(seed, FINGERPRINT), 1000, 6));
        // page_sampler_reference.py eval 000000000000002a <FINGERPRINT> 12345678901234 4
        assertArrayEquals(new long[] {11010559109445L, 7118107517267L, 5622973815795L, 7157129027908L},
                PageSampler.sample(PageSampler.evalSeed(seed, FINGERPRINT), 12_345_678_901_234L, 4));
    }

    @Test
    void skipsExcludedIndicesLikeTheReferenceImplementation() {
        byte[] seed = PageSampler.evalSeed(new byte[] {0, 0, 0, 0, 0, 0, 0, 42}, FINGERPRINT);
        Set<Long> assigned = Set.of(152L, 276L, 7L);
        // page_sampler_reference.py eval 000000000000002a <FINGERPRINT> 1000 6 152,276,7
        assertArrayEquals(new long[] {67, 885, 761, 404, 313, 729}, PageSampler.sample(seed, 1000, 6, assigned::contains));
        // page_sampler_reference.py eval 0102 <FINGERPRINT> 10 6 0,1,2,3,4,5,6,7
        byte[] small = PageSampler.evalSeed(new byte[] {1, 2}, FINGERPRINT);
        assertArrayEquals(new long[] {9, 8, 8, 9, 8, 9}, PageSampler.sample(small, 10, 6, index -> index < 8));
    }

    @Test
    void failsWhenEveryIndexIsExcluded() {
        byte[] seed = PageSampler.evalSeed(new byte[] {1}, FINGERPRINT);
        DataException e = assertThrows(DataException.class, () -> PageSampler.sample(seed, 4, 1, index -> true));
        assertEquals("all 4 pages are excluded: none left to sample", e.getMessage());
        assertArrayEquals(new long[0], PageSampler.sample(seed, 4, 0, index -> true));
    }

    @Test
    void drawsDistinctIndicesCoveringEveryPageWhenNEqualsCount() {
        long[] all = PageSampler.sample(PageSampler.evalSeed(new byte[] {1}, FINGERPRINT), 64, 64);
        Set<Long> seen = new HashSet<>();
        for (long index : all) {
            seen.add(index);
        }
        assertEquals(64, seen.size());
        assertEquals(0L, seen.stream().mapToLong(Long::longValue).min().orElseThrow());
        assertEquals(63L, seen.stream().mapToLong(Long::longValue).max().orElseThrow());
    }

    @Test
    void separatesAssignedAndEvalSeedsAndDependsOnEveryInput() {
        byte[] base = PageSampler.assignedSeed(7, HOTKEY, FINGERPRINT);
        assertArrayEquals(base, PageSampler.assignedSeed(7, HOTKEY, FINGERPRINT));
        assertDifferent(base, PageSampler.assignedSeed(8, HOTKEY, FINGERPRINT));
        assertDifferent(base, PageSampler.assignedSeed(7, HOTKEY + "x", FINGERPRINT));
        assertDifferent(base, PageSampler.assignedSeed(7, HOTKEY, "cd".repeat(32)));
        assertDifferent(PageSampler.evalSeed(new byte[] {7}, FINGERPRINT),
                PageSampler.evalSeed(new byte[] {0, 7}, FINGERPRINT));
    }

    @Test
    void rejectsAnEmptyRangeOrNegativeCount() {
        byte[] seed = PageSampler.evalSeed(new byte[0], FINGERPRINT);
        assertThrows(IllegalArgumentException.class, () -> PageSampler.sample(seed, 0, 1));
        assertThrows(IllegalArgumentException.class, () -> PageSampler.sample(seed, 3, -1));
        assertArrayEquals(new long[] {0, 0, 0}, PageSampler.sample(seed, 1, 3));
    }

    private static void assertDifferent(byte[] a, byte[] b) {
        assertEquals(false, Arrays.equals(a, b));
    }
}
