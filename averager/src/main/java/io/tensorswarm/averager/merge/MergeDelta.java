package io.tensorswarm.averager.merge;

import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.tensor.ParameterSet;

/**
 * One miner's delta as the merge reads it, one tensor at a time: either dense (an F32 {@link
 * ParameterSet}, as the dense codecs decode) or sparse (a {@link SparseDelta}, as {@code topk} and
 * {@code sparseloco} decode), so that G sparse deltas take memory in proportion to their kept
 * entries, not G model copies. The merge needs only a weighted sum into a dense accumulator and dot
 * products with a dense gradient, per tensor.
 */
public sealed interface MergeDelta permits DenseMergeDelta, SparseMergeDelta {
    /** Returns a dense delta ({@code trained - base}, F32, the base's names and shapes). */
    static MergeDelta dense(ParameterSet delta) {
        return new DenseMergeDelta(delta);
    }

    /** Returns a sparse delta (the base's names and shapes). */
    static MergeDelta sparse(SparseDelta delta) {
        return new SparseMergeDelta(delta);
    }

    /**
     * Checks that the delta has exactly {@code base}'s tensor names and shapes.
     *
     * @throws io.tensorswarm.common.tensor.DeltaMismatchException naming {@code what} when it does not
     */
    void requireLayout(ParameterSet base, String what);

    /** Adds {@code weight} times the tensor {@code name} into {@code acc}, in float, element by element. */
    void addScaled(String name, float weight, float[] acc);

    /** Returns the dot product of the tensor {@code name} with {@code dense}, accumulated in double. */
    double dot(String name, float[] dense);

    /** Returns the bytes the delta's values take on the heap. */
    long heapBytes();
}
