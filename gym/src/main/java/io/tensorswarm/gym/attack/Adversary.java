package io.tensorswarm.gym.attack;

import io.tensorswarm.common.protocol.RoundClock;

/**
 * One dishonest strategy: given what the round offers (the base, other miners' readable deltas, the
 * chain), it builds its delta and publishes it through the real miner CLI before the deadline, or
 * sits the round out when it has nothing to work with.
 */
public interface Adversary {
    /**
     * Plays {@code ctx.round()} and says what it did.
     *
     * @throws InterruptedException when the gym is stopped
     */
    RoundAction play(RoundContext ctx) throws InterruptedException;

    /**
     * Returns the first block at which the gym may start playing {@code round}: its start, unless
     * the adversary prepares during the previous round's upload window (its publish then waits for
     * the round to start).
     */
    default long playFrom(RoundClock clock, long round) {
        return clock.startBlock(round);
    }
}
