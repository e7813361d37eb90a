package io.tensorswarm.common.protocol;

/**
 * The subnet's round timing, shared by every daemon, with the one set of defaults and the rule for
 * timings that would waste rounds.
 *
 * <p>A round {@code r} runs: training and commitments in {@code [start(r), deadline(r))}, uploads in
 * the margin {@code [deadline(r), start(r + 1))}, scoring and merging from {@code start(r + 1) +
 * mergeDelayBlocks} on. A merge of round {@code r} that finishes at block {@code b} becomes the base
 * of the first round that has not started by {@code b + }{@link #BASE_GUARD_BLOCKS} (normally
 * {@code r + 2}): a late merge is applied to the newest base one round later, never dropped.
 *
 * <pre>{@code
 * RoundTiming t = new RoundTiming(20, 2, 0);
 * t.check(); // throws IllegalArgumentException naming the flag when rounds would be wasted
 * }</pre>
 *
 * @param roundBlocks blocks per round ({@code --round.blocks})
 * @param deadlineMarginBlocks blocks between the commit deadline and the next round: the upload
 *     window ({@code --round.deadline-margin})
 * @param mergeDelayBlocks blocks the averager waits after the upload window closes ({@code --merge.delay-blocks})
 */
public record RoundTiming(long roundBlocks, long deadlineMarginBlocks, long mergeDelayBlocks) {
    /** Default {@code --round.blocks} of every daemon. */
    public static final long DEFAULT_ROUND_BLOCKS = 20;
    /** Default {@code --round.deadline-margin} of every daemon. */
    public static final long DEFAULT_DEADLINE_MARGIN = 2;
    /** Default {@code --merge.delay-blocks} of the averager. */
    public static final long DEFAULT_MERGE_DELAY = 0;
    /**
     * Blocks a new base must be published ahead of the round it starts: a merge finishing later than
     * {@code start(k) - BASE_GUARD_BLOCKS} becomes the base of round {@code k + 1} instead.
     */
    public static final long BASE_GUARD_BLOCKS = 2;

    /** The shipped defaults (20-block rounds, 2-block upload window, no merge delay). */
    public static RoundTiming defaults() {
        return new RoundTiming(DEFAULT_ROUND_BLOCKS, DEFAULT_DEADLINE_MARGIN, DEFAULT_MERGE_DELAY);
    }

    /** Returns the round clock of this timing. */
    public RoundClock clock() {
        return new RoundClock(roundBlocks, deadlineMarginBlocks);
    }

    /**
     * Checks the timing lets every round count: miners have at least a block to train and one to
     * upload, and the averager starts each merge early enough to publish it before the round after
     * next.
     *
     * @return this timing
     * @throws IllegalArgumentException one line naming the setting to change
     */
    public RoundTiming check() {
        if (roundBlocks < 3) {
            throw new IllegalArgumentException("--round.blocks " + roundBlocks
                    + " is too short: a round needs at least a block to train, one to upload and one to score (use 3 or more)");
        }
        if (deadlineMarginBlocks < 1) {
            throw new IllegalArgumentException("--round.deadline-margin " + deadlineMarginBlocks
                    + " leaves no upload window: miners upload after the commit deadline, so every round would be "
                    + "empty (use at least 1)");
        }
        if (deadlineMarginBlocks > roundBlocks - 2) {
            throw new IllegalArgumentException("--round.deadline-margin " + deadlineMarginBlocks
                    + " leaves miners less than 2 blocks of a " + roundBlocks
                    + "-block round to train and commit (use at most " + (roundBlocks - 2) + ")");
        }
        if (mergeDelayBlocks < 0 || mergeDelayBlocks > roundBlocks - 1 - BASE_GUARD_BLOCKS) {
            throw new IllegalArgumentException("--merge.delay-blocks " + mergeDelayBlocks
                    + " must be in [0, " + (roundBlocks - 1 - BASE_GUARD_BLOCKS) + "] with " + roundBlocks
                    + "-block rounds: a later merge could never be published before the round after next");
        }
        return this;
    }

    /** Returns the block at which the averager starts merging {@code round}: upload close plus the delay. */
    public long mergeStartBlock(long round) {
        return clock().readableBlock(round) + mergeDelayBlocks;
    }

    /**
     * Returns the first round that a base published (completely) at block {@code block} can be the
     * base of: the next round whose start is at least {@link #BASE_GUARD_BLOCKS} after {@code block}.
     */
    public long firstRoundForBaseAt(long block) {
        RoundClock clock = clock();
        long next = clock.roundOf(block) + 1;
        return clock.startBlock(next) - block >= BASE_GUARD_BLOCKS ? next : next + 1;
    }
}
