package io.tensorswarm.gym.attack;

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
}
