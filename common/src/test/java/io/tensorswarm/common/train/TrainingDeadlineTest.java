package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TrainingDeadline} and {@link StepTimes}: the rule that stops a run before it overruns its deadline. */
@Timeout(10)
class TrainingDeadlineTest {
    @Test
    void theNextStepIsExpectedToTakeAsLongAsTheLongestOfTheLastThree() {
        StepTimes times = new StepTimes();
        assertEquals(0, times.expectedNanos(), "nothing measured yet");
        times.add(900); // the slow first step
        times.add(100);
        times.add(120);
        assertEquals(900, times.expectedNanos());
        times.add(110);
        assertEquals(120, times.expectedNanos(), "the first step no longer counts once three others followed it");
        times.add(300);
        assertEquals(300, times.expectedNanos(), "a slower step raises the estimate at once");
    }

    @Test
    void leavesRoomOnlyForAStepThatEndsByTheDeadline() {
        AtomicLong now = new AtomicLong(1_000);
        TrainingDeadline deadline = TrainingDeadline.at(2_000, now::get);
        assertTrue(deadline.bounded());
        assertTrue(deadline.leavesRoomFor(1_000), "ends exactly at the deadline");
        assertFalse(deadline.leavesRoomFor(1_001));
        now.set(1_900);
        assertEquals(100, deadline.nanosLeft());
        assertFalse(deadline.leavesRoomFor(101));
        now.set(2_500);
        assertFalse(deadline.leavesRoomFor(0), "past the deadline nothing fits");
    }

    @Test
    void noDeadlineAlwaysLeavesRoomAndAWallClockDeadlineIsOnTheSameClockAsAnInterval() {
        assertFalse(TrainingDeadline.NONE.bounded());
        assertTrue(TrainingDeadline.NONE.leavesRoomFor(Long.MAX_VALUE));
        long left = TrainingDeadline.atEpochMillis(System.currentTimeMillis() + 60_000).nanosLeft();
        assertTrue(left > Duration.ofSeconds(55).toNanos() && left <= Duration.ofSeconds(60).toNanos(), "left " + left);
        assertTrue(TrainingDeadline.in(Duration.ofSeconds(-1)).nanosLeft() < 0);
    }
}
