package io.tensorswarm.chain.metadata;

/** The scale-info primitive types, in metadata code order (0 = bool ... 14 = i256). */
public enum Primitive {
    BOOL(1), CHAR(4), STR(-1), U8(1), U16(2), U32(4), U64(8), U128(16), U256(32),
    I8(1), I16(2), I32(4), I64(8), I128(16), I256(32);

    private final int byteSize;

    Primitive(int byteSize) {
        this.byteSize = byteSize;
    }

    /** Returns the fixed encoded size in bytes, or -1 for {@code str}. */
    public int byteSize() {
        return byteSize;
    }

    /** Returns true for the signed integer types. */
    public boolean signed() {
        return ordinal() >= I8.ordinal();
    }

    /** Returns true for the integer types (not bool, char or str). */
    public boolean integer() {
        return ordinal() >= U8.ordinal();
    }

    /** Returns the primitive with metadata code {@code code}, or null if the code is unknown. */
    static Primitive fromCode(int code) {
        return code >= 0 && code < values().length ? values()[code] : null;
    }
}
