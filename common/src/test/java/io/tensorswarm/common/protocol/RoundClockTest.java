package io.tensorswarm.common.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** {@link RoundClock} with 100-block rounds and a 10-block margin: deadlines at blocks 90, 190, ... */
class RoundClockTest {
    private final RoundClock clock = new RoundClock(100, 10);

    @ParameterizedTest
    @CsvSource({"0,0", "99,0", "100,1", "1234,12", "1299,12"})
    void mapsBlocksToRounds(long block, long round) {
        assertEquals(round, clock.roundOf(block));
    }

    @Test
    void derivesStartDeadlineAndNextRoundFromBlockNumbers() {
        assertEquals(1200, clock.startBlock(12));
        assertEquals(1290, clock.deadlineBlock(12));
        assertEquals(1290, clock.seedBlock(12));
        assertEquals(1300, clock.nextRoundStart(1234));
        assertEquals(100, clock.nextRoundStart(0));
    }

    @Test
    void countsOnlyBlocksStrictlyBeforeTheDeadline() {
        assertTrue(clock.isBeforeDeadline(12, 1289));
        assertFalse(clock.isBeforeDeadline(12, 1290));
        assertTrue(clock.isInSubmissionWindow(12, 1200));
        assertFalse(clock.isInSubmissionWindow(12, 1199));
        assertFalse(clock.isInSubmissionWindow(12, 1290));
    }

    @Test
    void aZeroMarginPutsTheDeadlineAtTheNextRoundsStart() {
        assertEquals(200, new RoundClock(100, 0).deadlineBlock(1));
    }

    @Test
    void rejectsSettingsAndNumbersOutOfRange() {
        assertThrows(IllegalArgumentException.class, () -> new RoundClock(0, 0));
        assertThrows(IllegalArgumentException.class, () -> new RoundClock(100, 100));
        assertThrows(IllegalArgumentException.class, () -> new RoundClock(100, -1));
        assertThrows(IllegalArgumentException.class, () -> clock.roundOf(-1));
        assertThrows(IllegalArgumentException.class, () -> clock.startBlock(-1));
        assertThrows(ArithmeticException.class, () -> clock.startBlock(Long.MAX_VALUE / 10));
    }
}
