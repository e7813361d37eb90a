package io.tensorswarm.chain.scale;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads SCALE-encoded values from a byte array, front to back; every read is bounds-checked and a
 * short or malformed input raises {@link ScaleDecodeException} with the offset, never an index
 * exception. Collection lengths are checked against the bytes left (or {@link #maxLength()} for
 * zero-size items), so hostile length prefixes cannot force large allocations.
 *
 * <p>Not thread-safe: a reader holds a cursor.
 *
 * <pre>{@code
 * ScaleReader in = new ScaleReader(Hex.decode("0800000100"));
 * List<Integer> uids = in.readVec(ScaleReader::readU16);   // [0, 1]
 * in.requireEnd();
 * }</pre>
 */
public final class ScaleReader {
    /** Default cap on a collection length whose items may take zero bytes. */
    public static final int DEFAULT_MAX_LENGTH = 1 << 20;

    private final byte[] data;
    private final int end;
    private final int maxLength;
    private int pos;

    /** Creates a reader over all of {@code data} (not copied; do not modify it while reading). */
    public ScaleReader(byte[] data) {
        this(data, 0, data.length, DEFAULT_MAX_LENGTH);
    }

    /** Creates a reader over the remaining bytes of {@code buffer} (copied; the buffer is untouched). */
    public ScaleReader(ByteBuffer buffer) {
        this(copyRemaining(buffer), 0, buffer.remaining(), DEFAULT_MAX_LENGTH);
    }

    private ScaleReader(byte[] data, int start, int end, int maxLength) {
        this.data = data;
        this.pos = start;
        this.end = end;
        this.maxLength = maxLength;
    }

    /** Returns a reader over the same bytes and position whose zero-size collection cap is {@code max}. */
    public ScaleReader withMaxLength(int max) {
        return new ScaleReader(data, pos, end, max);
    }

    private static byte[] copyRemaining(ByteBuffer buffer) {
        byte[] out = new byte[buffer.remaining()];
        buffer.duplicate().get(out);
        return out;
    }

    /** Returns the offset of the next byte to read. */
    public int position() {
        return pos;
    }

    /** Returns how many bytes are left. */
    public int remaining() {
        return end - pos;
    }

    /** Returns true while bytes are left. */
    public boolean hasRemaining() {
        return pos < end;
    }

    /** Returns the cap on collection lengths whose items may encode to zero bytes. */
    public int maxLength() {
        return maxLength;
    }

    /**
     * Checks that every byte was consumed.
     *
     * @throws ScaleDecodeException if bytes are left over
     */
    public void requireEnd() {
        if (pos != end) {
            throw new ScaleDecodeException(remaining() + " trailing bytes after value", pos);
        }
    }

    private void need(int n) {
        if (n < 0 || end - pos < n) {
            throw new ScaleDecodeException("input truncated: need " + n + " bytes, have " + remaining(), pos);
        }
    }

    /** Reads an unsigned byte (0..255). */
    public int readU8() {
        need(1);
        return data[pos++] & 0xff;
    }

    /** Reads a signed byte. */
    public byte readI8() {
        need(1);
        return data[pos++];
    }

    /** Reads a little-endian u16 (0..65535). */
    public int readU16() {
        need(2);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8;
        pos += 2;
        return v;
    }

    /** Reads a little-endian i16. */
    public short readI16() {
        return (short) readU16();
    }

    /** Reads a little-endian u32 as a non-negative long. */
    public long readU32() {
        return readI32() & 0xffffffffL;
    }

    /** Reads a little-endian i32. */
    public int readI32() {
        need(4);
        int v = (data[pos] & 0xff) | (data[pos + 1] & 0xff) << 8 | (data[pos + 2] & 0xff) << 16
                | (data[pos + 3] & 0xff) << 24;
        pos += 4;
        return v;
    }

    /** Reads a little-endian 64-bit integer as raw bits (a u64 above 2^63 comes back negative). */
    public long readI64() {
        need(8);
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (data[pos + i] & 0xff);
        }
        pos += 8;
        return v;
    }

    /** Reads a little-endian u64 as its exact non-negative value. */
    public BigInteger readU64() {
        return readUnsignedLittleEndian(8);
    }

    /** Reads a little-endian u128. */
    public BigInteger readU128() {
        return readUnsignedLittleEndian(16);
    }

    /** Reads a little-endian i128 (two's complement). */
    public BigInteger readI128() {
        return readSignedLittleEndian(16);
    }

    /** Reads an unsigned little-endian integer of {@code bytes} bytes. */
    public BigInteger readUnsignedLittleEndian(int bytes) {
        return new BigInteger(1, reversed(readBytes(bytes)));
    }

    /** Reads a two's-complement little-endian integer of {@code bytes} bytes. */
    public BigInteger readSignedLittleEndian(int bytes) {
        byte[] be = reversed(readBytes(bytes));
        return be.length == 0 ? BigInteger.ZERO : new BigInteger(be);
    }

    private static byte[] reversed(byte[] le) {
        byte[] be = new byte[le.length];
        for (int i = 0; i < le.length; i++) {
            be[i] = le[le.length - 1 - i];
        }
        return be;
    }

    /**
     * Reads a bool, which must be {@code 0x00} or {@code 0x01}.
     *
     * @throws ScaleDecodeException for any other byte
     */
    public boolean readBool() {
        int at = pos;
        int b = readU8();
        if (b > 1) {
            throw new ScaleDecodeException("invalid bool byte " + b, at);
        }
        return b == 1;
    }

    /** Reads a {@code Compact<uN>} of any width. */
    public BigInteger readCompact() {
        return Compact.read(this);
    }

    /**
     * Reads a compact integer that must fit a Java long.
     *
     * @throws ScaleDecodeException if it does not
     */
    public long readCompactLong() {
        int at = pos;
        BigInteger v = readCompact();
        if (v.bitLength() > 63) {
            throw new ScaleDecodeException("compact value " + v + " exceeds a long", at);
        }
        return v.longValue();
    }

    /**
     * Reads a compact integer that must fit a Java int.
     *
     * @throws ScaleDecodeException if it does not
     */
    public int readCompactInt() {
        int at = pos;
        BigInteger v = readCompact();
        if (v.bitLength() > 31) {
            throw new ScaleDecodeException("compact value " + v + " exceeds an int", at);
        }
        return v.intValue();
    }

    /**
     * Reads a compact collection length whose items each take at least {@code minItemBytes}
     * bytes, rejecting lengths the remaining input cannot hold (or above {@link #maxLength()}
     * when items may be empty).
     */
    public int readLength(int minItemBytes) {
        int at = pos;
        BigInteger v = readCompact();
        long limit = minItemBytes > 0 ? remaining() / minItemBytes : maxLength;
        if (v.compareTo(BigInteger.valueOf(limit)) > 0) {
            throw new ScaleDecodeException("length " + v + " exceeds what the input can hold (" + limit + ")", at);
        }
        return v.intValue();
    }

    /** Reads exactly {@code n} raw bytes (no length prefix). */
    public byte[] readBytes(int n) {
        need(n);
        byte[] out = new byte[n];
        System.arraycopy(data, pos, out, 0, n);
        pos += n;
        return out;
    }

    /** Reads a {@code Vec<u8>}: compact length then the bytes. */
    public byte[] readByteVec() {
        return readBytes(readLength(1));
    }

    /**
     * Reads a {@code String}: a {@code Vec<u8>} holding UTF-8.
     *
     * @throws ScaleDecodeException if the bytes are not valid UTF-8
     */
    public String readString() {
        int at = pos;
        byte[] bytes = readByteVec();
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new ScaleDecodeException("string is not valid UTF-8", at);
        }
    }

    /** Reads a 32-byte {@code AccountId32} (raw, no prefix). */
    public byte[] readAccountId() {
        return readBytes(32);
    }

    /**
     * Reads an {@code Option<T>}: {@code 0x00} for empty, {@code 0x01} then the value.
     *
     * @throws ScaleDecodeException for any other tag byte
     */
    public <T> Optional<T> readOption(Function<ScaleReader, T> item) {
        int at = pos;
        int tag = readU8();
        if (tag == 0) {
            return Optional.empty();
        }
        if (tag != 1) {
            throw new ScaleDecodeException("invalid Option tag " + tag, at);
        }
        return Optional.of(item.apply(this));
    }

    /** Reads a {@code Vec<T>} whose items take at least one byte each. */
    public <T> List<T> readVec(Function<ScaleReader, T> item) {
        return readVec(1, item);
    }

    /** Reads a {@code Vec<T>} whose items take at least {@code minItemBytes} bytes each (0 allowed). */
    public <T> List<T> readVec(int minItemBytes, Function<ScaleReader, T> item) {
        int n = readLength(minItemBytes);
        List<T> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(item.apply(this));
        }
        return out;
    }

    /** Reads an enum's variant index byte. */
    public int readVariantIndex() {
        return readU8();
    }
}
