package io.tensorswarm.averager.merge;

import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.protocol.SparseTensor;
import io.tensorswarm.common.tensor.DeltaMismatchException;
import io.tensorswarm.common.tensor.DeltaMismatchException.Kind;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Arrays;
import java.util.Objects;

/**
 * A sparse delta in the merge: per tensor, the indices and values a sparse codec kept, added into
 * the merge's dense accumulator and dotted with the gradient entry by entry, so it costs memory and
 * time in proportion to its kept entries.
 */
record SparseMergeDelta(SparseDelta delta) implements MergeDelta {
    SparseMergeDelta {
        Objects.requireNonNull(delta, "delta");
    }

    /** Checks names and shapes as {@link io.tensorswarm.common.tensor.Deltas#requireSameLayout} does. */
    @Override
    public void requireLayout(ParameterSet base, String what) {
        for (NamedTensor b : base) {
            SparseTensor t = delta.get(b.name());
            if (t == null) {
                throw new DeltaMismatchException(Kind.MISSING_TENSOR, b.name(),
                        "tensor " + b.name() + " is missing from the " + what);
            }
            if (!Arrays.equals(t.shape(), b.shape())) {
                throw new DeltaMismatchException(Kind.SHAPE, b.name(), "tensor " + b.name() + " has shape "
                        + Arrays.toString(t.shape()) + " in the " + what + ", expected " + Arrays.toString(b.shape()));
            }
        }
        if (delta.size() != base.size()) {
            String extra = delta.tensors().stream().map(SparseTensor::name).filter(n -> !base.contains(n)).findFirst()
                    .orElseThrow();
            throw new DeltaMismatchException(Kind.UNEXPECTED_TENSOR, extra,
                    "tensor " + extra + " in the " + what + " is not in the reference");
        }
    }

    @Override
    public void addScaled(String name, float weight, float[] acc) {
        delta.require(name).addScaled(weight, acc);
    }

    @Override
    public double dot(String name, float[] dense) {
        return delta.require(name).dot(dense);
    }

    @Override
    public long heapBytes() {
        return delta.heapBytes();
    }
}
