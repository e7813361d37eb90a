package io.tensorswarm.protocol.scoring;

import java.util.Objects;
import java.util.Optional;

/**
 * Returns one miner's screening result: accepted (no rejection) or the first check it failed.
 *
 * @param hotkey the miner's hotkey (SS58)
 * @param commitBlock the block its commitment landed in
 * @param norm the delta's L2 norm, or NaN when the layout check failed before it was measured
 * @param novelty the fraction of its sketch outside the span of the earlier rounds' deltas ({@link
 *     DeltaSketch#novelty}), NaN when not measured (no earlier rounds, or rejected before)
 * @param rejection the first failed check, or empty when the delta may be evaluated
 */
public record ScreenOutcome(String hotkey, long commitBlock, double norm, double novelty, Optional<Rejection> rejection) {
    public ScreenOutcome {
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(rejection, "rejection");
    }

    /** Returns whether the delta passed every check. */
    public boolean accepted() {
        return rejection.isEmpty();
    }
}
