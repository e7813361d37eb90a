package io.tensorswarm.common.tensor;

import io.tensorswarm.common.tensor.DeltaMismatchException.Kind;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Weight-delta arithmetic on whole {@link ParameterSet}s, tensor by tensor, through {@link
 * DeltaMath}. Every operation first checks that the sets hold the same tensor names with the same
 * shapes and floating-point dtypes, and throws {@link DeltaMismatchException} naming the first
 * tensor that differs.
 *
 * <p>Deltas are F32. Sums over a whole set add per-tensor double sums in the reference set's order,
 * so results are deterministic.
 *
 * <pre>{@code
 * ParameterSet delta = Deltas.compute(trained, base);
 * Deltas.checkFinite(delta).ifPresent(bad -> reject("non-finite: " + bad));
 * ParameterSet next = Deltas.apply(base, delta, 1.0f);
 * }</pre>
 */
public final class Deltas {
    private Deltas() {}

    /**
     * Returns {@code trained - base} as F32 tensors in {@code base}'s order, without metadata.
     *
     * @throws DeltaMismatchException when names or shapes differ, or a dtype differs between the
     *     sets or is not floating-point
     */
    public static ParameterSet compute(ParameterSet trained, ParameterSet base) {
        requireSameLayout(base, trained, "trained", true);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor b : base) {
            NamedTensor t = trained.require(b.name());
            out.add(NamedTensor.ofFloats(b.name(), b.shape(), DeltaMath.subtract(t.toFloats(), b.toFloats())));
        }
        return out.build();
    }

    /**
     * Returns {@code base + scale * delta}, each tensor in its base dtype (F16 and BF16 round to
     * nearest even), with {@code base}'s metadata.
     *
     * @throws DeltaMismatchException when names or shapes differ or a dtype is not floating-point
     */
    public static ParameterSet apply(ParameterSet base, ParameterSet delta, float scale) {
        requireSameLayout(base, delta, "delta", false);
        ParameterSet.Builder out = ParameterSet.builder().putAllMetadata(base.metadata());
        for (NamedTensor b : base) {
            out.add(apply(b, delta.require(b.name()).toFloats(), scale));
        }
        return out.build();
    }

    /**
     * Returns {@code base + scale * delta} for one tensor, in the base's dtype and name, with the
     * same arithmetic as {@link #apply(ParameterSet, ParameterSet, float)}.
     *
     * @throws DeltaMismatchException when the element counts differ or the base is not floating-point
     */
    public static NamedTensor apply(NamedTensor base, float[] delta, float scale) {
        requireFloat(base, "base");
        if (delta.length != base.elementCount()) {
            throw new DeltaMismatchException(Kind.SHAPE, base.name(), "tensor " + base.name() + " has "
                    + base.elementCount() + " elements, its delta " + delta.length);
        }
        float[] values = base.toFloats();
        DeltaMath.apply(values, delta, scale, values);
        return fromFloats(base.name(), base.dtype(), base.shape(), values);
    }

    /**
     * Returns {@code sum_k weights[k] * deltas[k]} as F32, in the first delta's order; each element
     * adds terms in order k = 0, 1, ... in float.
     *
     * @throws DeltaMismatchException when the counts of deltas and weights differ, or any delta's
     *     layout differs from the first's
     */
    public static ParameterSet weightedSum(List<ParameterSet> deltas, float[] weights) {
        if (deltas.isEmpty() || deltas.size() != weights.length) {
            throw new DeltaMismatchException(Kind.COUNT, null,
                    deltas.size() + " deltas but " + weights.length + " weights");
        }
        ParameterSet first = deltas.get(0);
        for (int k = 1; k < deltas.size(); k++) {
            requireSameLayout(first, deltas.get(k), "delta " + k, false);
        }
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : first) {
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), weightedSum(deltas, t.name(), weights)));
        }
        return out.build();
    }

    /**
     * Returns {@code sum_k weights[k] * deltas[k]} of the one tensor called {@code name}, with the
     * arithmetic of {@link #weightedSum(List, float[])} (which checks the layouts; this does not), so
     * a caller can stream a weighted sum tensor by tensor.
     *
     * @throws IllegalArgumentException when a delta has no tensor {@code name}, or the counts of
     *     deltas and weights differ
     */
    public static float[] weightedSum(List<ParameterSet> deltas, String name, float[] weights) {
        float[][] arrays = new float[deltas.size()][];
        for (int k = 0; k < arrays.length; k++) {
            arrays[k] = deltas.get(k).require(name).toFloats();
        }
        return DeltaMath.weightedSum(arrays, weights);
    }

    /**
     * Returns the Euclidean norm over all tensors together.
     *
     * @throws DeltaMismatchException when a tensor is not floating-point
     */
    public static double l2Norm(ParameterSet set) {
        double sum = 0;
        for (NamedTensor t : set) {
            requireFloat(t, "set");
            sum += DeltaMath.sumOfSquares(t.toFloats());
        }
        return Math.sqrt(sum);
    }

    /**
     * Returns the dot product over all tensors together, in {@code a}'s order.
     *
     * @throws DeltaMismatchException when the layouts differ
     */
    public static double dot(ParameterSet a, ParameterSet b) {
        requireSameLayout(a, b, "second set", false);
        double sum = 0;
        for (NamedTensor t : a) {
            sum += DeltaMath.dot(t.toFloats(), b.require(t.name()).toFloats());
        }
        return sum;
    }

    /**
     * Returns the cosine similarity of the two sets as flat vectors, or 0 when either is all zeros.
     *
     * @throws DeltaMismatchException when the layouts differ
     */
    public static double cosine(ParameterSet a, ParameterSet b) {
        requireSameLayout(a, b, "second set", false);
        double ab = 0;
        double aa = 0;
        double bb = 0;
        for (NamedTensor t : a) {
            float[] x = t.toFloats();
            float[] y = b.require(t.name()).toFloats();
            ab += DeltaMath.dot(x, y);
            aa += DeltaMath.sumOfSquares(x);
            bb += DeltaMath.sumOfSquares(y);
        }
        return aa == 0 || bb == 0 ? 0 : ab / (Math.sqrt(aa) * Math.sqrt(bb));
    }

    /**
     * Returns the first NaN or infinite element, in set order, or empty when all are finite.
     *
     * @throws DeltaMismatchException when a tensor is not floating-point
     */
    public static Optional<NonFiniteValue> checkFinite(ParameterSet set) {
        for (NamedTensor t : set) {
            requireFloat(t, "set");
            float[] values = t.toFloats();
            int i = DeltaMath.indexOfFirstNonFinite(values);
            if (i >= 0) {
                return Optional.of(new NonFiniteValue(t.name(), i, values[i]));
            }
        }
        return Optional.empty();
    }

    /**
     * Checks that {@code other} has exactly the tensor names and shapes of {@code reference}, all
     * floating-point, and with {@code sameDtype} also the same dtypes.
     *
     * @param label how {@code other} is named in messages ("delta 3", "trained")
     * @throws DeltaMismatchException naming the first tensor that differs
     */
    public static void requireSameLayout(ParameterSet reference, ParameterSet other, String label, boolean sameDtype) {
        for (NamedTensor r : reference) {
            NamedTensor o = other.get(r.name());
            if (o == null) {
                throw new DeltaMismatchException(Kind.MISSING_TENSOR, r.name(),
                        "tensor " + r.name() + " is missing from the " + label);
            }
            if (!Arrays.equals(r.shape(), o.shape())) {
                throw new DeltaMismatchException(Kind.SHAPE, r.name(), "tensor " + r.name() + " has shape "
                        + Arrays.toString(o.shape()) + " in the " + label + ", expected " + Arrays.toString(r.shape()));
            }
            requireFloat(r, "reference");
            requireFloat(o, label);
            if (sameDtype && r.dtype() != o.dtype()) {
                throw new DeltaMismatchException(Kind.DTYPE, r.name(), "tensor " + r.name() + " is " + o.dtype()
                        + " in the " + label + ", expected " + r.dtype());
            }
        }
        if (other.size() != reference.size()) {
            Set<String> expected = new HashSet<>(reference.names());
            String extra = other.names().stream().filter(n -> !expected.contains(n)).findFirst().orElseThrow();
            throw new DeltaMismatchException(Kind.UNEXPECTED_TENSOR, extra,
                    "tensor " + extra + " in the " + label + " is not in the reference");
        }
    }

    private static void requireFloat(NamedTensor t, String label) {
        if (!t.dtype().isFloatingPoint()) {
            throw new DeltaMismatchException(Kind.DTYPE, t.name(),
                    "tensor " + t.name() + " in the " + label + " is " + t.dtype() + ", not floating-point");
        }
    }

    /** Returns a tensor of {@code dtype} holding {@code values}, narrowed or widened as needed. */
    static NamedTensor fromFloats(String name, DType dtype, long[] shape, float[] values) {
        if (dtype == DType.F32) {
            return NamedTensor.ofFloats(name, shape, values);
        }
        ByteBuffer b = ByteBuffer.allocate(Math.multiplyExact(values.length, dtype.byteSize())).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            switch (dtype) {
                case F64 -> b.putDouble(v);
                case F16 -> b.putShort(HalfFloats.floatToF16(v));
                case BF16 -> b.putShort(HalfFloats.floatToBf16(v));
                default -> throw new IllegalArgumentException(dtype + " is not floating-point");
            }
        }
        return new NamedTensor(name, dtype, shape, b.flip());
    }
}
