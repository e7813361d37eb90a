package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.protocol.RoundClock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link BlockTimer} and {@link TrainingBudget}: when the deadline block begins, and how much of it training gets. */
@Timeout(10)
class TrainingBudgetTest {
    private static final RoundClock CLOCK = new RoundClock(20, 2); // deadline of round r: block 20 r + 18

    @Test
    void assumesTheGivenBlockTimeUntilItHasSeenEnoughBlocksThenUsesTheMeasuredOne() {
        BlockTimer timer = new BlockTimer(Duration.ofSeconds(12));
        timer.observe(100, 0);
        timer.observe(101, 2_000);
        timer.observe(103, 6_000);
        assertEquals(12_000, timer.blockMillis(), "three blocks are not enough to measure");
        timer.observe(103, 7_000);
        timer.observe(104, 8_000);
        assertEquals(2_000, timer.blockMillis(), "fast blocks: 4 blocks in 8 s");
        timer.observe(5, 9_000);
        assertEquals(12_000, timer.blockMillis(), "a chain that went backwards voids what was measured");
    }

    @Test
    void aFutureBlockIsExpectedAtTheEarliestItCanBegin() {
        BlockTimer timer = new BlockTimer(Duration.ofSeconds(10));
        timer.observe(7, 50_000);
        assertEquals(40_000 + 3 * 10_000, timer.earliestStartMillis(10),
                "block 7 was first seen at 50 s; with nothing seen before it, it may have begun a whole block earlier");
        timer.observe(7, 52_000);
        timer.observe(8, 55_000);
        assertEquals(52_000 + 2 * 10_000, timer.earliestStartMillis(10),
                "block 8 began after the last sighting of block 7 (52 s), at most a block before it was seen");
        assertThrows(IllegalStateException.class, () -> new BlockTimer(Duration.ofSeconds(1)).earliestStartMillis(3));
    }

    @Test
    void theFirstGuessKeepsAQuarterOfTheSubmissionWindowAndAtLeastThreeBlocks() {
        assertEquals(54_000, TrainingBudget.reserveMillis(List.of(), 12_000, 18 * 12_000));
        assertEquals(3_000, TrainingBudget.reserveMillis(List.of(), 1_000, 4_000), "a short window: three blocks");
    }

    @Test
    void aLearnedReserveIsHalfAgainTheLongestRecentFinishPlusOneBlock() {
        assertEquals(Math.round(1.5 * 4_000) + 12_000, TrainingBudget.reserveMillis(List.of(2.0, 4.0, 1.0), 12_000, 216_000));
        assertEquals(1_750, TrainingBudget.reserveMillis(List.of(0.5), 1_000, 18_000));
    }

    @Test
    void trainingRunsUntilTheDeadlineBlockLessTheReserve() {
        BlockTimer timer = new BlockTimer(Duration.ofSeconds(1));
        timer.observe(19, 99_700);
        timer.observe(20, 100_000); // round 1 began between 99.7 s and 100 s
        TrainingBudget.Plan plan = TrainingBudget.plan(CLOCK, timer, 1, 100_500, List.of(2.0));
        assertEquals(99_700 + 18_000 - 100_500, plan.untilDeadlineMillis(), "block 38 at the earliest 117.7 s");
        assertEquals(3_000 + 1_000, plan.reserveMillis());
        assertEquals(plan.untilDeadlineMillis() - plan.reserveMillis(), plan.trainMillis());
        assertEquals(1_000, plan.blockMillis());
        TrainingBudget.Plan late = TrainingBudget.plan(CLOCK, timer, 1, 117_000, List.of(2.0));
        assertEquals(700 - 4_000, late.trainMillis(), "too late to train: the worker still takes its one step");
    }

    @Test
    void aMissAfterTrainingThatKeptItsTimeDoublesTheReserveAndAnOverrunTeachesOnlyWhatItMeasured() {
        TrainingBudget.Plan plan = new TrainingBudget.Plan(100_000, 20_000, 120_000, 12_000);
        assertEquals(40.0, TrainingBudget.afterMiss(plan, 3.0, true, 216_000), "the reserve fell short: twice it");
        assertEquals(55.0, TrainingBudget.afterMiss(plan, 55.0, true, 216_000), "or what it measured, if more");
        assertEquals(3.0, TrainingBudget.afterMiss(plan, 3.0, false, 216_000), "training overran: not the reserve's fault");
        assertEquals(30.0, TrainingBudget.afterMiss(plan, 3.0, true, 30_000), "never more than the whole window");
    }
}
