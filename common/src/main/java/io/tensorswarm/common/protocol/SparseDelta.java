package io.tensorswarm.common.protocol;

import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A weight delta held as its non-zero entries ({@link SparseTensor} per tensor, in the layout's
 * order), as {@link DeltaCodec#decodeSparse} returns it: memory grows with the entries a codec kept,
 * not with the model. {@link #toDense} gives exactly what {@link DeltaCodec#decode} gives. Immutable.
 */
public final class SparseDelta {
    private final Map<String, SparseTensor> tensors;

    /**
     * Returns the delta of these tensors, in their order.
     *
     * @throws IllegalArgumentException when two tensors share a name
     */
    public SparseDelta(List<SparseTensor> tensors) {
        Map<String, SparseTensor> byName = new LinkedHashMap<>();
        for (SparseTensor t : tensors) {
            if (byName.put(t.name(), t) != null) {
                throw new IllegalArgumentException("tensor " + t.name() + " appears twice");
            }
        }
        this.tensors = Collections.unmodifiableMap(byName);
    }

    /** Returns the non-zero entries of every tensor of {@code dense}, in its order. */
    public static SparseDelta ofDense(ParameterSet dense) {
        return new SparseDelta(dense.tensors().stream().map(SparseTensor::ofDense).toList());
    }

    /** Returns the tensors in order. */
    public List<SparseTensor> tensors() {
        return List.copyOf(tensors.values());
    }

    /** Returns the tensor called {@code name}, or {@code null}. */
    public SparseTensor get(String name) {
        return tensors.get(name);
    }

    /**
     * Returns the tensor called {@code name}.
     *
     * @throws IllegalArgumentException when there is none
     */
    public SparseTensor require(String name) {
        SparseTensor t = tensors.get(name);
        if (t == null) {
            throw new IllegalArgumentException("sparse delta has no tensor " + name);
        }
        return t;
    }

    /** Returns the number of tensors. */
    public int size() {
        return tensors.size();
    }

    /** Returns the listed entries over all tensors. */
    public long nonZeros() {
        long total = 0;
        for (SparseTensor t : tensors.values()) {
            total += t.nonZeros();
        }
        return total;
    }

    /** Returns the elements of the dense delta over all tensors. */
    public long elementCount() {
        long total = 0;
        for (SparseTensor t : tensors.values()) {
            total += t.elementCount();
        }
        return total;
    }

    /** Returns the bytes the entries take: 8 per listed entry. */
    public long heapBytes() {
        return 8L * nonZeros();
    }

    /** Returns the dense F32 delta, without metadata. */
    public ParameterSet toDense() {
        ParameterSet.Builder out = ParameterSet.builder();
        for (SparseTensor t : tensors.values()) {
            NamedTensor dense = t.toDense();
            out.add(dense);
        }
        return out.build();
    }

    @Override
    public String toString() {
        return "SparseDelta[" + tensors.size() + " tensors, " + nonZeros() + " of " + elementCount() + " entries]";
    }
}
