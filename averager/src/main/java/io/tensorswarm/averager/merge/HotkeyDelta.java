package io.tensorswarm.averager.merge;

import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Objects;

/**
 * Returns one miner's decoded F32 weight delta, named by the miner's hotkey.
 *
 * @param hotkey the miner's hotkey (SS58); unique within a merge
 * @param delta {@code trained - base}, with the base's tensor names and shapes
 */
public record HotkeyDelta(String hotkey, ParameterSet delta) {
    public HotkeyDelta {
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(delta, "delta");
    }
}
