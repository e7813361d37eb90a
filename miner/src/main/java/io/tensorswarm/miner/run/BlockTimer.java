package io.tensorswarm.miner.run;

import java.time.Duration;
import java.util.ArrayDeque;

/**
 * Tells when a future block begins on the wall clock, from the block numbers the miner has seen and
 * when: the chain's block time is learned from when new numbers first appeared (over the last
 * {@value #WINDOW} of them, once they span {@value #MIN_SPAN} blocks; an assumed block time before),
 * and the current block is taken to have begun at the earliest moment it can have (just after the
 * last sighting of an earlier block, and at most one block time before it was seen). Estimates of later
 * blocks therefore err early: a miner stops training a little too soon rather than too late.
 * Thread-safe.
 */
final class BlockTimer {
    static final int WINDOW = 64;
    static final int MIN_SPAN = 4;

    /** The first time a block number was seen, and the earliest it can have begun. */
    private record Sighting(long block, long seenMillis, long earliestStartMillis) {}

    private final long assumedMillis;
    private final ArrayDeque<Sighting> sightings = new ArrayDeque<>();
    private long lastBlock = -1;
    private long lastMillis = Long.MIN_VALUE;

    /** Creates a timer assuming blocks of {@code assumed} until it has measured them. */
    BlockTimer(Duration assumed) {
        if (assumed.isNegative() || assumed.isZero()) {
            throw new IllegalArgumentException("assumed block time must be positive, got " + assumed);
        }
        this.assumedMillis = assumed.toMillis();
    }

    /** Records that the chain was at {@code block} at wall-clock time {@code millis}. */
    synchronized void observe(long block, long millis) {
        if (block < lastBlock) {
            sightings.clear(); // another chain, or one restarted from genesis: what was learned is void
            lastMillis = Long.MIN_VALUE;
        }
        if (block != lastBlock) {
            sightings.addLast(new Sighting(block, millis, lastMillis));
            if (sightings.size() > WINDOW) {
                sightings.removeFirst();
            }
        }
        lastBlock = block;
        lastMillis = millis;
    }

    /** Returns the block time: measured once the sightings span enough blocks, else the assumed one. */
    synchronized long blockMillis() {
        if (sightings.size() >= 2) {
            Sighting first = sightings.peekFirst();
            Sighting last = sightings.peekLast();
            long blocks = last.block() - first.block();
            long millis = last.seenMillis() - first.seenMillis();
            if (blocks >= MIN_SPAN && millis > 0) {
                return Math.max(1, millis / blocks);
            }
        }
        return assumedMillis;
    }

    /**
     * Returns the earliest wall-clock time at which {@code target} may begin, as far as the blocks seen
     * so far tell.
     *
     * @throws IllegalStateException when no block has been seen yet
     */
    synchronized long earliestStartMillis(long target) {
        Sighting current = sightings.peekLast();
        if (current == null) {
            throw new IllegalStateException("no block seen yet");
        }
        long block = blockMillis();
        long start = Math.max(current.seenMillis() - block, current.earliestStartMillis());
        return start + (target - current.block()) * block;
    }
}
