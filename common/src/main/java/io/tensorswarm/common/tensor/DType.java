package io.tensorswarm.common.tensor;

import java.util.Locale;

/**
 * Element types a tensor can hold, named as the safetensors format names them.
 *
 * <p>Every value is stored little-endian, as safetensors requires.
 */
public enum DType {
    F64(8),
    F32(4),
    F16(2),
    BF16(2),
    I64(8),
    I32(4),
    I16(2),
    I8(1),
    U8(1),
    BOOL(1);

    private final int byteSize;

    DType(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Returns the size of one element in bytes. */
    public int byteSize() {
        return byteSize;
    }

    /** Returns the name safetensors uses in its header ({@code "F32"}, {@code "BF16"}, ...). */
    public String safetensorsName() {
        return name();
    }

    /** Returns whether this is a floating-point type. */
    public boolean isFloatingPoint() {
        return this == F64 || this == F32 || this == F16 || this == BF16;
    }

    /**
     * Returns the type with the given safetensors name.
     *
     * @throws IllegalArgumentException when the name is not a supported dtype
     */
    public static DType fromSafetensors(String name) {
        if (name != null) {
            for (DType t : values()) {
                if (t.name().equals(name.toUpperCase(Locale.ROOT))) {
                    return t;
                }
            }
        }
        throw new IllegalArgumentException("unsupported dtype: " + name);
    }
}
