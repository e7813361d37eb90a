package io.tensorswarm.chain.scale;

import java.math.BigInteger;

/**
 * Encodes and decodes SCALE {@code Compact<uN>} unsigned integers (single-byte, two-byte,
 * four-byte and big-integer modes) and rejects non-minimal encodings, as parity-scale-codec does.
 */
public final class Compact {
    /** The largest value compact mode can hold: 67 bytes of magnitude. */
    private static final int MAX_BIG_BYTES = 67;

    private static final long SINGLE_LIMIT = 1L << 6;
    private static final long TWO_LIMIT = 1L << 14;
    private static final long FOUR_LIMIT = 1L << 30;

    private Compact() {}

    /**
     * Writes {@code value} in the shortest compact form.
     *
     * @throws IllegalArgumentException if {@code value} is negative or needs more than 67 bytes
     */
    public static void write(ScaleWriter out, BigInteger value) {
        if (value.signum() < 0) {
            throw new IllegalArgumentException("compact value must not be negative: " + value);
        }
        if (value.bitLength() < 63) {
            write(out, value.longValueExact());
            return;
        }
        writeBig(out, value);
    }

    /**
     * Writes a non-negative {@code value} in the shortest compact form.
     *
     * @throws IllegalArgumentException if {@code value} is negative
     */
    public static void write(ScaleWriter out, long value) {
        if (value < 0) {
            throw new IllegalArgumentException("compact value must not be negative: " + value);
        }
        if (value < SINGLE_LIMIT) {
            out.writeU8((int) (value << 2));
        } else if (value < TWO_LIMIT) {
            out.writeU16((int) ((value << 2) | 1));
        } else if (value < FOUR_LIMIT) {
            out.writeU32((value << 2) | 2);
        } else {
            writeBig(out, BigInteger.valueOf(value));
        }
    }

    private static void writeBig(ScaleWriter out, BigInteger value) {
        int bytes = Math.max(4, (value.bitLength() + 7) / 8);
        if (bytes > MAX_BIG_BYTES) {
            throw new IllegalArgumentException("compact value too large: " + value.bitLength() + " bits");
        }
        out.writeU8(((bytes - 4) << 2) | 3);
        out.writeUnsignedLittleEndian(value, bytes);
    }

    /**
     * Reads a compact integer.
     *
     * @throws ScaleDecodeException if the input is truncated or the encoding is not minimal
     */
    public static BigInteger read(ScaleReader in) {
        int start = in.position();
        int first = in.readU8();
        switch (first & 3) {
            case 0:
                return BigInteger.valueOf(first >>> 2);
            case 1: {
                long v = (first | (in.readU8() << 8)) >>> 2;
                requireMinimal(v >= SINGLE_LIMIT, start);
                return BigInteger.valueOf(v);
            }
            case 2: {
                long v = ((first | (in.readU8() << 8) | (in.readU8() << 16)) & 0xffffffL
                        | ((long) in.readU8() << 24)) >>> 2;
                requireMinimal(v >= TWO_LIMIT, start);
                return BigInteger.valueOf(v);
            }
            default: {
                int bytes = (first >>> 2) + 4;
                BigInteger v = in.readUnsignedLittleEndian(bytes);
                boolean minimal = bytes == 4 ? v.longValue() >= FOUR_LIMIT : v.bitLength() > (bytes - 1) * 8;
                requireMinimal(minimal, start);
                return v;
            }
        }
    }

    private static void requireMinimal(boolean minimal, int offset) {
        if (!minimal) {
            throw new ScaleDecodeException("non-minimal compact integer encoding", offset);
        }
    }
}
