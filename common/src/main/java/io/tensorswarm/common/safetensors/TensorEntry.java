package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.Shapes;
import java.util.Arrays;
import java.util.Objects;

/**
 * One tensor's line in a safetensors header: name, dtype, shape and its byte range {@code [begin,
 * end)} relative to the start of the data buffer. Immutable.
 */
public final class TensorEntry {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final long begin;
    private final long end;

    /**
     * Creates an entry.
     *
     * @throws IllegalArgumentException when the range is reversed or negative, or its length does
     *     not equal dtype size times element count
     */
    public TensorEntry(String name, DType dtype, long[] shape, long begin, long end) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException("tensor " + name + ": bad range [" + begin + ", " + end + ")");
        }
        long bytes = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
        if (end - begin != bytes) {
            throw new IllegalArgumentException(
                    "tensor " + name + ": range of " + (end - begin) + " bytes, " + dtype + " "
                            + Arrays.toString(shape) + " needs " + bytes);
        }
        this.begin = begin;
        this.end = end;
    }

    public String name() {
        return name;
    }

    public DType dtype() {
        return dtype;
    }

    /** Returns a copy of the shape. */
    public long[] shape() {
        return shape.clone();
    }

    /** Returns the first byte of this tensor, relative to the data buffer. */
    public long begin() {
        return begin;
    }

    /** Returns one past the last byte of this tensor, relative to the data buffer. */
    public long end() {
        return end;
    }

    /** Returns {@code end - begin}. */
    public long byteLength() {
        return end - begin;
    }

    /** Returns the number of elements. */
    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorEntry e
                && name.equals(e.name)
                && dtype == e.dtype
                && Arrays.equals(shape, e.shape)
                && begin == e.begin
                && end == e.end;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape), begin, end);
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape) + " [" + begin + ", " + end + ")";
    }
}
