package io.tensorswarm.common.protocol;

import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.Shapes;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor of a {@link SparseDelta}: the row-major flat indices of its listed entries, strictly
 * ascending in {@code [0, n)}, and their finite F32 values; every other entry is zero. It takes 8
 * bytes per listed entry, whatever the tensor's size. Immutable.
 *
 * <pre>{@code
 * SparseTensor t = SparseTensor.of("w", new long[] {2, 3}, new int[] {1, 4}, new float[] {0.5f, -2f});
 * t.addScaled(0.25f, acc);      // acc[1] += 0.25f * 0.5f; acc[4] += 0.25f * -2f
 * double d = t.dot(gradient);   // gradient[1] * 0.5 + gradient[4] * -2, in double
 * }</pre>
 */
public final class SparseTensor {
    private final String name;
    private final long[] shape;
    private final int size;
    private final int[] indices;
    private final float[] values;

    /** Takes arrays a decoder built and checked; neither is copied. */
    SparseTensor(String name, long[] shape, int size, int[] indices, float[] values) {
        this.name = name;
        this.shape = shape;
        this.size = size;
        this.indices = indices;
        this.values = values;
    }

    /**
     * Returns a tensor of {@code shape} holding {@code values} at {@code indices} (both copied).
     *
     * @throws IllegalArgumentException when the arrays differ in length, an index is outside
     *     {@code [0, n)} or not above the one before, a value is not finite, or the shape holds more
     *     elements than one array can
     */
    public static SparseTensor of(String name, long[] shape, int[] indices, float[] values) {
        Objects.requireNonNull(name, "name");
        int n = size(name, shape);
        if (indices.length != values.length) {
            throw new IllegalArgumentException("tensor " + name + ": " + indices.length + " indices but "
                    + values.length + " values");
        }
        int previous = -1;
        for (int j = 0; j < indices.length; j++) {
            if (indices[j] <= previous || indices[j] >= n) {
                throw new IllegalArgumentException("tensor " + name + " index " + j + " is " + indices[j]
                        + ", not in (" + previous + ", " + n + ")");
            }
            if (!Float.isFinite(values[j])) {
                throw new IllegalArgumentException("tensor " + name + " value " + j + " is " + values[j]);
            }
            previous = indices[j];
        }
        return new SparseTensor(name, shape.clone(), n, indices.clone(), values.clone());
    }

    /** Returns the non-zero entries of an F32 (or other floating-point) tensor; zeros of either sign are left out. */
    public static SparseTensor ofDense(NamedTensor dense) {
        float[] x = dense.toFloats();
        int count = 0;
        for (float v : x) {
            if (v != 0f) {
                count++;
            }
        }
        int[] indices = new int[count];
        float[] values = new float[count];
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] != 0f) {
                indices[j] = i;
                values[j++] = x[i];
            }
        }
        return of(dense.name(), dense.shape(), indices, values);
    }

    static int size(String name, long[] shape) {
        long n = Shapes.elementCount(shape);
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("tensor " + name + " has " + n + " elements, more than one array holds");
        }
        return (int) n;
    }

    public String name() {
        return name;
    }

    /** Returns a copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Returns the number of elements of the dense tensor, {@code n}. */
    public int elementCount() {
        return size;
    }

    /** Returns how many entries are listed. */
    public int nonZeros() {
        return indices.length;
    }

    /** Returns the flat index of the {@code j}-th listed entry. */
    public int index(int j) {
        return indices[j];
    }

    /** Returns the value of the {@code j}-th listed entry. */
    public float value(int j) {
        return values[j];
    }

    /**
     * Adds {@code weight * this} into {@code acc}: {@code acc[i] += weight * value} for each listed
     * entry, in float, in index order.
     *
     * @throws IllegalArgumentException when {@code acc} is not {@code n} long
     */
    public void addScaled(float weight, float[] acc) {
        requireLength(acc);
        for (int j = 0; j < indices.length; j++) {
            acc[indices[j]] += weight * values[j];
        }
    }

    /**
     * Returns {@code <dense, this>}, the products of the listed entries summed in double in index
     * order.
     *
     * @throws IllegalArgumentException when {@code dense} is not {@code n} long
     */
    public double dot(float[] dense) {
        requireLength(dense);
        double s0 = 0;
        double s1 = 0;
        int j = 0;
        for (; j + 1 < indices.length; j += 2) {
            s0 += (double) dense[indices[j]] * values[j];
            s1 += (double) dense[indices[j + 1]] * values[j + 1];
        }
        if (j < indices.length) {
            s0 += (double) dense[indices[j]] * values[j];
        }
        return s0 + s1;
    }

    /** Returns the dense values: the listed entries at their indices, zero elsewhere. */
    public float[] toFloats() {
        float[] out = new float[size];
        for (int j = 0; j < indices.length; j++) {
            out[indices[j]] = values[j];
        }
        return out;
    }

    /** Returns the dense F32 tensor. */
    public NamedTensor toDense() {
        return NamedTensor.ofFloats(name, shape, toFloats());
    }

    /** Returns the bytes its arrays hold: 4 per index and 4 per value. */
    public long heapBytes() {
        return 8L * indices.length;
    }

    private void requireLength(float[] dense) {
        if (dense.length != size) {
            throw new IllegalArgumentException("tensor " + name + " has " + size + " elements, the array " + dense.length);
        }
    }

    @Override
    public String toString() {
        return "SparseTensor[" + name + " " + Arrays.toString(shape) + ", " + indices.length + " of " + size + "]";
    }
}
