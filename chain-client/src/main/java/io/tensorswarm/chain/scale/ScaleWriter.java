package io.tensorswarm.chain.scale;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collection;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Appends SCALE-encoded values to a growable buffer; {@link #toByteArray()} returns the result.
 * Integer writers check their range and throw {@link IllegalArgumentException} on a value that
 * does not fit, since that is a caller mistake.
 *
 * <p>Not thread-safe. Methods return {@code this} for chaining.
 *
 * <pre>{@code
 * byte[] call = new ScaleWriter().writeU8(7).writeU8(0).writeU16(1)
 *         .writeVec(List.of(0, 1), ScaleWriter::writeU16).toByteArray();
 * }</pre>
 */
public final class ScaleWriter {
    private static final BigInteger TWO = BigInteger.TWO;

    private byte[] buf;
    private int size;

    /** Creates an empty writer. */
    public ScaleWriter() {
        this(64);
    }

    /** Creates an empty writer with room for {@code capacity} bytes before it grows. */
    public ScaleWriter(int capacity) {
        buf = new byte[Math.max(capacity, 16)];
    }

    private void ensure(int extra) {
        if (size + extra > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + extra));
        }
    }

    /** Returns the number of bytes written so far. */
    public int size() {
        return size;
    }

    /** Returns a copy of the bytes written so far. */
    public byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private static void checkRange(long v, long min, long max, String type) {
        if (v < min || v > max) {
            throw new IllegalArgumentException(v + " does not fit " + type);
        }
    }

    /** Writes a u8 (0..255). */
    public ScaleWriter writeU8(int v) {
        checkRange(v, 0, 255, "u8");
        ensure(1);
        buf[size++] = (byte) v;
        return this;
    }

    /** Writes an i8. */
    public ScaleWriter writeI8(int v) {
        checkRange(v, Byte.MIN_VALUE, Byte.MAX_VALUE, "i8");
        return writeLittleEndian(v, 1);
    }

    /** Writes a little-endian u16 (0..65535). */
    public ScaleWriter writeU16(int v) {
        checkRange(v, 0, 0xffff, "u16");
        return writeLittleEndian(v, 2);
    }

    /** Writes a little-endian i16. */
    public ScaleWriter writeI16(int v) {
        checkRange(v, Short.MIN_VALUE, Short.MAX_VALUE, "i16");
        return writeLittleEndian(v, 2);
    }

    /** Writes a little-endian u32 (0..2^32-1). */
    public ScaleWriter writeU32(long v) {
        checkRange(v, 0, 0xffffffffL, "u32");
        return writeLittleEndian(v, 4);
    }

    /** Writes a little-endian i32. */
    public ScaleWriter writeI32(int v) {
        return writeLittleEndian(v, 4);
    }

    /** Writes a little-endian u64; {@code v} must not be negative (use the BigInteger form above 2^63). */
    public ScaleWriter writeU64(long v) {
        checkRange(v, 0, Long.MAX_VALUE, "u64");
        return writeLittleEndian(v, 8);
    }

    /** Writes a little-endian i64. */
    public ScaleWriter writeI64(long v) {
        return writeLittleEndian(v, 8);
    }

    private ScaleWriter writeLittleEndian(long v, int bytes) {
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            buf[size++] = (byte) (v >>> (8 * i));
        }
        return this;
    }

    /** Writes a little-endian u64 given exactly. */
    public ScaleWriter writeU64(BigInteger v) {
        return writeUnsignedLittleEndian(v, 8);
    }

    /** Writes a little-endian u128. */
    public ScaleWriter writeU128(BigInteger v) {
        return writeUnsignedLittleEndian(v, 16);
    }

    /** Writes a little-endian i128 (two's complement). */
    public ScaleWriter writeI128(BigInteger v) {
        return writeSignedLittleEndian(v, 16);
    }

    /**
     * Writes {@code v} as an unsigned little-endian integer of {@code bytes} bytes.
     *
     * @throws IllegalArgumentException if {@code v} is negative or too wide
     */
    public ScaleWriter writeUnsignedLittleEndian(BigInteger v, int bytes) {
        if (v.signum() < 0 || v.bitLength() > bytes * 8) {
            throw new IllegalArgumentException(v + " does not fit u" + bytes * 8);
        }
        return writeTwosComplement(v, bytes);
    }

    /**
     * Writes {@code v} as a two's-complement little-endian integer of {@code bytes} bytes.
     *
     * @throws IllegalArgumentException if {@code v} is out of range
     */
    public ScaleWriter writeSignedLittleEndian(BigInteger v, int bytes) {
        if (v.bitLength() > bytes * 8 - 1) {
            throw new IllegalArgumentException(v + " does not fit i" + bytes * 8);
        }
        return writeTwosComplement(v, bytes);
    }

    private ScaleWriter writeTwosComplement(BigInteger v, int bytes) {
        BigInteger u = v.signum() < 0 ? v.add(TWO.pow(bytes * 8)) : v;
        byte[] be = u.toByteArray();
        ensure(bytes);
        for (int i = 0; i < bytes; i++) {
            int from = be.length - 1 - i;
            buf[size++] = from >= 0 ? be[from] : 0;
        }
        return this;
    }

    /** Writes a bool as {@code 0x00} or {@code 0x01}. */
    public ScaleWriter writeBool(boolean v) {
        return writeU8(v ? 1 : 0);
    }

    /** Writes a non-negative {@code Compact<uN>}. */
    public ScaleWriter writeCompact(long v) {
        Compact.write(this, v);
        return this;
    }

    /** Writes a non-negative {@code Compact<uN>} of any width up to 536 bits. */
    public ScaleWriter writeCompact(BigInteger v) {
        Compact.write(this, v);
        return this;
    }

    /** Writes raw bytes with no length prefix (fixed arrays, AccountId32, H256). */
    public ScaleWriter writeBytes(byte[] bytes) {
        ensure(bytes.length);
        System.arraycopy(bytes, 0, buf, size, bytes.length);
        size += bytes.length;
        return this;
    }

    /** Writes a {@code Vec<u8>}: compact length then the bytes. */
    public ScaleWriter writeByteVec(byte[] bytes) {
        return writeCompact(bytes.length).writeBytes(bytes);
    }

    /** Writes a {@code String} as UTF-8 in a {@code Vec<u8>}. */
    public ScaleWriter writeString(String s) {
        return writeByteVec(s.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Writes a 32-byte AccountId32.
     *
     * @throws IllegalArgumentException if {@code accountId} is not 32 bytes
     */
    public ScaleWriter writeAccountId(byte[] accountId) {
        if (accountId.length != 32) {
            throw new IllegalArgumentException("AccountId32 needs 32 bytes, got " + accountId.length);
        }
        return writeBytes(accountId);
    }

    /** Writes an {@code Option<T>}: {@code 0x00}, or {@code 0x01} then the value. */
    public <T> ScaleWriter writeOption(Optional<T> value, BiConsumer<ScaleWriter, T> item) {
        if (value.isEmpty()) {
            return writeU8(0);
        }
        writeU8(1);
        item.accept(this, value.get());
        return this;
    }

    /** Writes a {@code Vec<T>}: compact length then each item. */
    public <T> ScaleWriter writeVec(Collection<T> items, BiConsumer<ScaleWriter, T> item) {
        writeCompact(items.size());
        for (T t : items) {
            item.accept(this, t);
        }
        return this;
    }

    /** Writes an enum variant index byte; the variant's fields follow. */
    public ScaleWriter writeVariantIndex(int index) {
        return writeU8(index);
    }
}
