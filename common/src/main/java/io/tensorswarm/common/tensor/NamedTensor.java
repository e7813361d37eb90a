package io.tensorswarm.common.tensor;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One named tensor: a dtype, a shape and its little-endian element bytes.
 *
 * <p>Instances are immutable: the bytes are held in a read-only view, and {@link #data()} returns a
 * fresh read-only duplicate each time. Float tensors convert to and from {@code float[]}, the form
 * delta math works on.
 */
public final class NamedTensor {
    private final String name;
    private final DType dtype;
    private final long[] shape;
    private final ByteBuffer data;

    /**
     * Creates a tensor over the given bytes (taken as little-endian, not copied).
     *
     * @throws IllegalArgumentException when the byte length does not match dtype and shape
     */
    public NamedTensor(String name, DType dtype, long[] shape, ByteBuffer data) {
        this.name = Objects.requireNonNull(name, "name");
        this.dtype = Objects.requireNonNull(dtype, "dtype");
        this.shape = shape.clone();
        long expected = Math.multiplyExact(Shapes.elementCount(shape), dtype.byteSize());
        if (data.remaining() != expected) {
            throw new IllegalArgumentException(
                    "tensor " + name + ": " + data.remaining() + " bytes, but " + dtype + " "
                            + Arrays.toString(shape) + " needs " + expected);
        }
        this.data = data.slice().order(ByteOrder.LITTLE_ENDIAN).asReadOnlyBuffer().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns an F32 tensor holding a copy of {@code values}. */
    public static NamedTensor ofFloats(String name, long[] shape, float[] values) {
        ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(values.length, 4)).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(values);
        return new NamedTensor(name, DType.F32, shape, buf);
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

    /** Returns the number of elements. */
    public long elementCount() {
        return Shapes.elementCount(shape);
    }

    /** Returns the size of the element bytes. */
    public long byteSize() {
        return data.capacity();
    }

    /** Returns a read-only, little-endian view of the element bytes, positioned at 0. */
    public ByteBuffer data() {
        return data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Returns this tensor under another name, sharing the bytes. */
    public NamedTensor withName(String newName) {
        return new NamedTensor(newName, dtype, shape, data());
    }

    /**
     * Returns the elements as floats, widening F16 and BF16 and narrowing F64.
     *
     * @throws IllegalStateException when the dtype is not floating-point
     */
    public float[] toFloats() {
        int n = Math.toIntExact(elementCount());
        float[] out = new float[n];
        ByteBuffer b = data();
        switch (dtype) {
            case F32 -> {
                FloatBuffer fb = b.asFloatBuffer();
                fb.get(out);
            }
            case F64 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = (float) b.getDouble(i * 8);
                }
            }
            case F16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.f16ToFloat(b.getShort(i * 2));
                }
            }
            case BF16 -> {
                for (int i = 0; i < n; i++) {
                    out[i] = HalfFloats.bf16ToFloat(b.getShort(i * 2));
                }
            }
            default -> throw new IllegalStateException("tensor " + name + " is " + dtype + ", not floating-point");
        }
        return out;
    }

    @Override
    public String toString() {
        return name + " " + dtype + Arrays.toString(shape);
    }
}
