package io.tensorswarm.orchestrator.round;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Computes the {@link RoundStatus} from the chain's best block, the {@link RoundClock} and the
 * {@link BaseRevisionSource}, and logs one line when the round changes. Safe for concurrent use.
 *
 * <pre>{@code
 * RoundTracker rounds = new RoundTracker(chain, new RoundClock(100, 10), base);
 * rounds.poll();                       // logs "Round 12 started ..." when it changed
 * long round = rounds.current().round();
 * }</pre>
 */
public final class RoundTracker {
    private static final Logger log = LoggerFactory.getLogger(RoundTracker.class);

    private final Chain chain;
    private final RoundClock clock;
    private final BaseRevisionSource base;
    private long lastLoggedRound = -1;

    public RoundTracker(Chain chain, RoundClock clock, BaseRevisionSource base) {
        this.chain = Objects.requireNonNull(chain, "chain");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.base = Objects.requireNonNull(base, "base");
    }

    /** Returns the round clock. */
    public RoundClock clock() {
        return clock;
    }

    /** Returns the round of the chain's best block. */
    public long currentRound() {
        return clock.roundOf(chain.currentBlock());
    }

    /**
     * Returns the status at the chain's best block.
     *
     * @throws BaseRevisionException when the {@code latest} pointer is unreadable
     * @throws io.tensorswarm.chain.ChainException when the chain cannot be read
     */
    public RoundStatus current() {
        return statusAt(chain.currentBlock(), base.latest());
    }

    /** Returns the status at {@code block} with the given pointer. */
    public RoundStatus statusAt(long block, Optional<LatestPointer> latest) {
        long round = clock.roundOf(block);
        return new RoundStatus(round, block, clock.roundBlocks(), clock.startBlock(round), clock.deadlineBlock(round),
                clock.nextRoundStart(block), latest.map(LatestPointer::revision).orElse(null),
                latest.map(LatestPointer::round).orElse(null));
    }

    /**
     * Returns the {@code latest} pointer of the base revision source.
     *
     * @throws BaseRevisionException when it exists but is unreadable
     */
    public Optional<LatestPointer> latest() {
        return base.latest();
    }

    /**
     * Reads the status and logs a line when its round differs from the last one logged; returns
     * the status.
     */
    public RoundStatus poll() {
        RoundStatus s = current();
        observe(s);
        return s;
    }

    /** Logs a line when {@code s}'s round differs from the last one logged; returns true then. */
    public boolean observe(RoundStatus s) {
        boolean changed;
        synchronized (this) {
            changed = s.round() != lastLoggedRound;
            if (changed) {
                lastLoggedRound = s.round();
            }
        }
        if (changed) {
            log.info("Round {} at block {} (blocks {}..{}, deadline {}, base {})", s.round(), s.block(),
                    s.roundStartBlock(), s.nextRoundStartBlock() - 1, s.deadlineBlock(),
                    s.baseRevision() == null ? "none" : s.baseRevision().substring(0, 12) + "… from round " + s.baseRound());
        }
        return changed;
    }
}
