package io.tensorswarm.protocol.scoring;

import java.util.Objects;

/**
 * Returns what a validator saw of one miner this round, for {@link TieredPolicy}.
 *
 * @param hotkey the miner's hotkey
 * @param responsive whether it delivered a delta that passed screening in time
 * @param loss its reported or measured loss (ignored when not responsive; non-finite counts as
 *     anomalous)
 */
public record MinerObservation(String hotkey, boolean responsive, double loss) {
    public MinerObservation {
        Objects.requireNonNull(hotkey, "hotkey");
    }
}
