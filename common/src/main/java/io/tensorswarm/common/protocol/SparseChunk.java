package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.tensor.HalfFloats;
import java.nio.ByteBuffer;

/**
 * The byte record of one chunk of the {@code sparseloco} codec: {@code k} kept positions of a chunk of
 * {@code length} values, each value one of {@code ±lo, ±hi}. Its size depends only on {@code length}
 * and {@code k}, so a stored tensor's byte length is fixed by the base layout and the codec's
 * parameters before any byte is read.
 *
 * <p>Layout (bit streams fill each byte from its least significant bit; padding bits are zero):
 *
 * <ol>
 *   <li>{@code lo}, {@code hi}: two BF16 magnitudes, little-endian, finite, {@code 0 <= lo <= hi};
 *   <li>codes: 2 bits per kept value in position order, bit 0 the sign (1 = negative), bit 1 the
 *       level (1 = {@code hi});
 *   <li>positions, Elias–Fano: with {@code l = floor(log2(floor(length / k)))} low bits, the {@code
 *       k} low parts ({@code l} bits each), then the high parts in unary: for the j-th position, bit
 *       {@code (position >> l) + j} is set, in a field of {@code k + ((length - 1) >> l) + 1} bits.
 * </ol>
 *
 * Decoding requires exactly {@code k} set high bits, strictly ascending positions below {@code
 * length}, canonical levels and zero padding: one stored form per decoded chunk.
 */
final class SparseChunk {
    private final int length;
    private final int k;
    private final int lowBits;
    private final int highBits;

    /** The record shape of a chunk of {@code length} values keeping {@code k} (1 <= k <= length). */
    SparseChunk(int length, int k) {
        if (k < 1 || k > length) {
            throw new IllegalArgumentException("k " + k + " outside [1, " + length + "]");
        }
        this.length = length;
        this.k = k;
        int q = length / k;
        this.lowBits = 31 - Integer.numberOfLeadingZeros(q);
        this.highBits = k + ((length - 1) >> lowBits) + 1;
    }

    /** Returns {@code min(length, ceil(keep * length / chunk))}: the kept count of a (possibly short) chunk. */
    static int keptCount(int length, int chunk, int keep) {
        long k = ((long) keep * length + chunk - 1) / chunk;
        return (int) Math.max(1, Math.min(length, k));
    }

    int length() {
        return length;
    }

    int k() {
        return k;
    }

    /** Returns the record's size in bytes. */
    int bytes() {
        return 4 + codeBytes() + lowBytes() + highBytes();
    }

    private int codeBytes() {
        return (2 * k + 7) / 8;
    }

    private int lowBytes() {
        return (int) (((long) k * lowBits + 7) / 8);
    }

    private int highBytes() {
        return (highBits + 7) / 8;
    }

    /**
     * Writes the record at {@code out}'s position: {@code positions} (strictly ascending, below
     * length, {@code k} of them), with signs and levels ({@code true} = hi) per position.
     */
    void write(ByteBuffer out, short lo, short hi, int[] positions, boolean[] negative, boolean[] high) {
        int start = out.position();
        out.putShort(lo).putShort(hi);
        byte[] codes = new byte[codeBytes()];
        for (int j = 0; j < k; j++) {
            int bits = (negative[j] ? 1 : 0) | (high[j] ? 2 : 0);
            codes[(2 * j) >>> 3] |= (byte) (bits << ((2 * j) & 7));
        }
        out.put(codes);
        byte[] low = new byte[lowBytes()];
        byte[] hiBits = new byte[highBytes()];
        int lowMask = (1 << lowBits) - 1;
        for (int j = 0; j < k; j++) {
            setBits(low, (long) j * lowBits, lowBits, positions[j] & lowMask);
            int bit = (positions[j] >> lowBits) + j;
            hiBits[bit >>> 3] |= (byte) (1 << (bit & 7));
        }
        out.put(low).put(hiBits);
        if (out.position() - start != bytes()) {
            throw new IllegalStateException("chunk record of " + (out.position() - start) + " bytes, expected " + bytes());
        }
    }

    /**
     * Reads the record at {@code in}'s position into {@code positions} and {@code values} from
     * {@code at}: its {@code k} positions plus {@code offset}, ascending, and their values. Returns
     * {@code k}.
     *
     * @throws DeltaCodecException naming {@code tensor} and the chunk when the record breaks a rule
     */
    int read(ByteBuffer in, int[] positions, float[] values, int at, int offset, String tensor, int chunk) {
        float lo = HalfFloats.bf16ToFloat(in.getShort());
        float hi = HalfFloats.bf16ToFloat(in.getShort());
        if (!(Float.isFinite(lo) && Float.isFinite(hi) && lo >= 0f && lo <= hi)) {
            throw fault(Kind.NON_FINITE, tensor, chunk, "levels " + lo + ", " + hi
                    + "; they must be finite with 0 <= lo <= hi");
        }
        byte[] codes = new byte[codeBytes()];
        in.get(codes);
        requireZeroPadding(codes, 2L * k, tensor, chunk, "codes");
        byte[] low = new byte[lowBytes()];
        in.get(low);
        requireZeroPadding(low, (long) k * lowBits, tensor, chunk, "low position bits");
        byte[] hiBits = new byte[highBytes()];
        in.get(hiBits);
        requireZeroPadding(hiBits, highBits, tensor, chunk, "high position bits");
        int j = 0;
        int previous = -1;
        for (int bit = 0; bit < highBits; bit++) {
            if ((hiBits[bit >>> 3] & (1 << (bit & 7))) == 0) {
                continue;
            }
            if (j == k) {
                throw fault(Kind.BAD_INDEX, tensor, chunk, "more than " + k + " positions");
            }
            int position = ((bit - j) << lowBits) | (int) getBits(low, (long) j * lowBits, lowBits);
            if (position >= length || position <= previous) {
                throw fault(Kind.BAD_INDEX, tensor, chunk, "position " + position
                        + (position >= length ? " outside [0, " + length + ")" : " not above the previous " + previous));
            }
            int code = (codes[(2 * j) >>> 3] >>> ((2 * j) & 7)) & 3;
            float magnitude = (code & 2) != 0 ? hi : lo;
            positions[at + j] = offset + position;
            values[at + j] = (code & 1) != 0 ? -magnitude : magnitude;
            previous = position;
            j++;
        }
        if (j != k) {
            throw fault(Kind.BAD_INDEX, tensor, chunk, j + " positions, expected " + k);
        }
        return k;
    }

    private static DeltaCodecException fault(Kind kind, String tensor, int chunk, String what) {
        return new DeltaCodecException(kind, tensor, "tensor " + Quote.of(tensor) + " chunk " + chunk + ": " + what);
    }

    private static void requireZeroPadding(byte[] bytes, long usedBits, String tensor, int chunk, String part) {
        for (long bit = usedBits; bit < (long) bytes.length * 8; bit++) {
            if ((bytes[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0) {
                throw fault(Kind.BAD_INDEX, tensor, chunk, "padding bits of the " + part + " are not zero");
            }
        }
    }

    private static void setBits(byte[] bytes, long at, int count, int value) {
        for (int b = 0; b < count; b++) {
            if ((value & (1 << b)) != 0) {
                long bit = at + b;
                bytes[(int) (bit >>> 3)] |= (byte) (1 << (bit & 7));
            }
        }
    }

    private static long getBits(byte[] bytes, long at, int count) {
        long value = 0;
        for (int b = 0; b < count; b++) {
            long bit = at + b;
            if ((bytes[(int) (bit >>> 3)] & (1 << (bit & 7))) != 0) {
                value |= 1L << b;
            }
        }
        return value;
    }
}
