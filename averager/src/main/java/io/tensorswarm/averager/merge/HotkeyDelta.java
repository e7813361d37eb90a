package io.tensorswarm.averager.merge;

import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Objects;

/**
 * Returns one miner's decoded weight delta, named by the miner's hotkey.
 *
 * @param hotkey the miner's hotkey (SS58); unique within a merge
 * @param delta {@code trained - base}, with the base's tensor names and shapes, dense or sparse
 */
public record HotkeyDelta(String hotkey, MergeDelta delta) {
    public HotkeyDelta {
        Objects.requireNonNull(hotkey, "hotkey");
        Objects.requireNonNull(delta, "delta");
    }

    /** Returns a miner's dense F32 delta. */
    public HotkeyDelta(String hotkey, ParameterSet delta) {
        this(hotkey, MergeDelta.dense(delta));
    }

    /** Returns a miner's sparse delta ({@link io.tensorswarm.common.protocol.DeltaCodec#decodeSparse}). */
    public HotkeyDelta(String hotkey, SparseDelta delta) {
        this(hotkey, MergeDelta.sparse(delta));
    }
}
