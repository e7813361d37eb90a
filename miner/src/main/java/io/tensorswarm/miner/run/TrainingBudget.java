package io.tensorswarm.miner.run;

import io.tensorswarm.common.protocol.RoundClock;
import java.util.List;

/**
 * How long a round's training may run from now: until the round's deadline block begins (on the wall
 * clock, as the {@link BlockTimer} estimates it), less a <em>reserve</em> for what must happen after
 * training and before the deadline: taking the delta, encoding and writing it, and committing it on
 * chain (the upload comes after the deadline, in the upload window, and needs no reserve).
 *
 * <p>The reserve is learned from the miner's own last rounds ({@link MinerState#recentFinishSeconds()}):
 * {@value #SAFETY} times the longest recent finish, plus one block (a commitment lands at a block
 * boundary). With no history it is a conservative first guess: a quarter of the round's submission
 * window, at least {@value #FIRST_GUESS_BLOCKS} blocks. A round whose commitment came too late although
 * its training kept to its time teaches more than its measured finish ({@link #afterMiss}).
 */
final class TrainingBudget {
    static final double SAFETY = 1.5;
    static final double FIRST_GUESS_SHARE = 0.25;
    static final int FIRST_GUESS_BLOCKS = 3;

    /**
     * A round's training time.
     *
     * @param trainMillis how long training may run from now (negative or 0: no time left; the worker still
     *     takes one step)
     * @param reserveMillis what is kept after training to encode and commit
     * @param untilDeadlineMillis from now to the estimated start of the deadline block
     * @param blockMillis the block time the estimate used
     */
    record Plan(long trainMillis, long reserveMillis, long untilDeadlineMillis, long blockMillis) {}

    private TrainingBudget() {}

    /** Returns the training time of {@code round} from {@code nowMillis}, with the reserve {@code recentFinishSeconds} call for. */
    static Plan plan(RoundClock clock, BlockTimer blocks, long round, long nowMillis, List<Double> recentFinishSeconds) {
        long block = blocks.blockMillis();
        long untilDeadline = blocks.earliestStartMillis(clock.deadlineBlock(round)) - nowMillis;
        long window = (clock.roundBlocks() - clock.deadlineMarginBlocks()) * block;
        long reserve = reserveMillis(recentFinishSeconds, block, window);
        return new Plan(untilDeadline - reserve, reserve, untilDeadline, block);
    }

    /**
     * Returns the finish time to remember after a round trained, then committed too late: what it measured,
     * and when the training had kept to its time (so the reserve itself fell short) at least twice the
     * reserve it had, so the next rounds keep more; at most the whole submission window. A training that
     * overran its time (a late start, a forced first step) says nothing against the reserve.
     *
     * @param measuredSeconds from the end of training to the failed commitment
     * @param trainingKeptItsTime whether the training ended by the time it was given
     */
    static double afterMiss(Plan plan, double measuredSeconds, boolean trainingKeptItsTime, long windowMillis) {
        double grown = trainingKeptItsTime ? Math.max(measuredSeconds, 2 * plan.reserveMillis() / 1000.0) : measuredSeconds;
        return Math.min(windowMillis / 1000.0, grown);
    }

    /** Returns the reserve for finishes of {@code recentFinishSeconds} (none: the first guess); see the class doc. */
    static long reserveMillis(List<Double> recentFinishSeconds, long blockMillis, long submissionWindowMillis) {
        if (recentFinishSeconds.isEmpty()) {
            return Math.max(FIRST_GUESS_BLOCKS * blockMillis, Math.round(FIRST_GUESS_SHARE * submissionWindowMillis));
        }
        double longest = recentFinishSeconds.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        return Math.round(SAFETY * longest * 1000) + blockMillis;
    }
}
