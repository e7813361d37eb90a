package io.tensorswarm.common.protocol;

/**
 * The round clock: which round a chain block belongs to and when a round's commitments close and its
 * deltas become readable, derived from block numbers alone so every party agrees without talking.
 *
 * <p>Round {@code r} covers blocks {@code [r * roundBlocks, (r + 1) * roundBlocks)}. Its deadline is
 * block {@code (r + 1) * roundBlocks - deadlineMarginBlocks}: a commitment counts for round {@code
 * r} only if it is in a block strictly before the deadline, and the hash of the deadline block seeds
 * the round's evaluation pages. The margin is the upload window: miners upload their committed deltas
 * from the deadline on, never before, so no delta of a round can be read (copied, mixed) while its
 * commitments are open; validators and the averager read them from the next round's start
 * ({@link #readableBlock}). Rounds and blocks are non-negative.
 *
 * <pre>{@code
 * RoundClock clock = new RoundClock(100, 10);
 * long r = clock.roundOf(1234);            // 12
 * long due = clock.deadlineBlock(r);       // 1290
 * boolean ok = clock.isBeforeDeadline(r, 1289); // true
 * }</pre>
 *
 * @param roundBlocks blocks per round, at least 1
 * @param deadlineMarginBlocks blocks between the deadline and the next round's start, in {@code [0,
 *     roundBlocks)}
 */
public record RoundClock(long roundBlocks, long deadlineMarginBlocks) {
    /**
     * The largest round any chain can reach: block numbers are u32 and a round is at least one block.
     * A persisted round beyond it is corrupt or hostile, never real.
     */
    public static final long MAX_ROUND = 0xFFFF_FFFFL;

    /**
     * Validates the settings.
     *
     * @throws IllegalArgumentException when {@code roundBlocks < 1} or the margin is outside {@code
     *     [0, roundBlocks)}
     */
    public RoundClock {
        if (roundBlocks < 1) {
            throw new IllegalArgumentException("roundBlocks must be at least 1, got " + roundBlocks);
        }
        if (deadlineMarginBlocks < 0 || deadlineMarginBlocks >= roundBlocks) {
            throw new IllegalArgumentException("deadlineMarginBlocks must be in [0, " + roundBlocks + "), got "
                    + deadlineMarginBlocks);
        }
    }

    /** Returns the round that {@code block} belongs to. */
    public long roundOf(long block) {
        requireNonNegative(block, "block");
        return block / roundBlocks;
    }

    /** Returns the first block of round {@code round}. */
    public long startBlock(long round) {
        requireNonNegative(round, "round");
        return Math.multiplyExact(round, roundBlocks);
    }

    /** Returns the deadline block of {@code round}: commitments must be in an earlier block. */
    public long deadlineBlock(long round) {
        return Math.addExact(startBlock(round), roundBlocks - deadlineMarginBlocks);
    }

    /** Returns whether a commitment in {@code block} is in time for {@code round}. */
    public boolean isBeforeDeadline(long round, long block) {
        requireNonNegative(block, "block");
        return block < deadlineBlock(round);
    }

    /** Returns whether {@code block} lies in {@code round} and before its deadline. */
    public boolean isInSubmissionWindow(long round, long block) {
        return block >= startBlock(round) && isBeforeDeadline(round, block);
    }

    /** Returns the first block of the round after the one {@code block} belongs to. */
    public long nextRoundStart(long block) {
        return startBlock(Math.addExact(roundOf(block), 1));
    }

    /**
     * Returns the block whose state holds {@code round}'s counted commitments: the last block before
     * the deadline. Reading commitments at this block (by its hash) gives every reader the same set,
     * whenever it reads and whatever the miners committed since.
     */
    public long commitmentsBlock(long round) {
        return deadlineBlock(round) - 1;
    }

    /** Returns the first block of the upload window of {@code round}: the deadline. */
    public long uploadOpenBlock(long round) {
        return deadlineBlock(round);
    }

    /**
     * Returns the block from which {@code round}'s deltas are read (validators, averager): the end of
     * its upload window, which is the next round's start.
     */
    public long readableBlock(long round) {
        return startBlock(Math.addExact(round, 1));
    }

    /**
     * Returns the block whose hash seeds the averager's fit and check pages of {@code round}: the end
     * of the upload window, unknown to anyone before every delta of the round was bound and uploaded.
     */
    public long mergeSeedBlock(long round) {
        return readableBlock(round);
    }

    /**
     * Returns the block whose hash seeds {@code round}'s evaluation pages: the deadline block, which
     * nobody knows before the deadline.
     */
    public long seedBlock(long round) {
        return deadlineBlock(round);
    }

    private static void requireNonNegative(long value, String what) {
        if (value < 0) {
            throw new IllegalArgumentException(what + " must be non-negative, got " + value);
        }
    }
}
