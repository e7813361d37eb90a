package io.tensorswarm.averager.merge;

import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Objects;

/** A dense F32 delta in the merge: every tensor held whole, as the dense codecs decode. */
record DenseMergeDelta(ParameterSet set) implements MergeDelta {
    DenseMergeDelta {
        Objects.requireNonNull(set, "set");
    }

    @Override
    public void requireLayout(ParameterSet base, String what) {
        Deltas.requireSameLayout(base, set, what, false);
    }

    @Override
    public void addScaled(String name, float weight, float[] acc) {
        DeltaMath.apply(acc, set.require(name).toFloats(), weight, acc);
    }

    @Override
    public double dot(String name, float[] dense) {
        return DeltaMath.dot(dense, set.require(name).toFloats());
    }

    @Override
    public long heapBytes() {
        return set.byteSize();
    }
}
