package io.tensorswarm.common.protocol;

/**
 * The round clock: which round a chain block belongs to and when a round's uploads are due, derived
 * from block numbers alone so every party agrees without talking.
 *
 * <p>Round {@code r} covers blocks {@code [r * roundBlocks, (r + 1) * roundBlocks)}. Its deadline is
 * block {@code (r + 1) * roundBlocks - deadlineMarginBlocks}: a commitment counts for round {@code
 * r} only if it is in a block strictly before the deadline, and the hash of the deadline block seeds
 * the round's evaluation pages. Rounds and blocks are non-negative.
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
