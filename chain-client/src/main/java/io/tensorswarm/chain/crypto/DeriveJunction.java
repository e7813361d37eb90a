package io.tensorswarm.chain.crypto;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One step of a Substrate derivation path: hard ({@code //name}) or soft ({@code /name}), with the
 * 32-byte chain code sp-core derives from the name (chain-spec §6.7). Immutable.
 */
public final class DeriveJunction {
    private static final int CHAIN_CODE_LENGTH = 32;

    private final boolean hard;
    private final byte[] chainCode;

    private DeriveJunction(boolean hard, byte[] chainCode) {
        this.hard = hard;
        this.chainCode = chainCode;
    }

    /** Returns the hard junction for {@code name} ({@code //name}). */
    public static DeriveJunction hard(String name) {
        return new DeriveJunction(true, chainCodeOf(name));
    }

    /** Returns the soft junction for {@code name} ({@code /name}). */
    public static DeriveJunction soft(String name) {
        return new DeriveJunction(false, chainCodeOf(name));
    }

    /** Returns whether this is a hard junction. */
    public boolean isHard() {
        return hard;
    }

    /** Returns a copy of the 32-byte chain code. */
    public byte[] chainCode() {
        return chainCode.clone();
    }

    /**
     * Returns sp-core's chain code for a junction name: the u64 LE encoding if the name parses as
     * an unsigned 64-bit number, else SCALE(String); blake2b-256 of that if longer than 32 bytes;
     * zero-padded to 32 bytes.
     */
    static byte[] chainCodeOf(String name) {
        byte[] encoded = parseU64(name)
                .map(DeriveJunction::u64Le)
                .orElseGet(() -> scaleString(name));
        if (encoded.length > CHAIN_CODE_LENGTH) {
            return Blake2b.hash(256, encoded);
        }
        return Arrays.copyOf(encoded, CHAIN_CODE_LENGTH);
    }

    private static java.util.Optional<Long> parseU64(String text) {
        if (text.isEmpty() || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.of(Long.parseUnsignedLong(text));
        } catch (NumberFormatException e) {
            return java.util.Optional.empty();
        }
    }

    private static byte[] u64Le(long v) {
        byte[] out = new byte[8];
        for (int i = 0; i < 8; i++) {
            out[i] = (byte) (v >>> (8 * i));
        }
        return out;
    }

    private static byte[] scaleString(String s) {
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeCompactLength(out, utf8.length);
        out.writeBytes(utf8);
        return out.toByteArray();
    }

    /** SCALE Compact&lt;u32&gt; of a length (single-, two-, four-byte and big-integer modes). */
    private static void writeCompactLength(ByteArrayOutputStream out, int n) {
        if (n < 1 << 6) {
            out.write(n << 2);
        } else if (n < 1 << 14) {
            int v = (n << 2) | 0b01;
            out.write(v);
            out.write(v >>> 8);
        } else if (n < 1 << 30) {
            int v = (n << 2) | 0b10;
            for (int i = 0; i < 4; i++) {
                out.write(v >>> (8 * i));
            }
        } else {
            out.write(0b11); // (4 bytes - 4) << 2 | 0b11
            for (int i = 0; i < 4; i++) {
                out.write(n >>> (8 * i));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof DeriveJunction other && other.hard == hard && Arrays.equals(other.chainCode, chainCode);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(chainCode) * 2 + (hard ? 1 : 0);
    }

    @Override
    public String toString() {
        return (hard ? "//" : "/") + "0x" + java.util.HexFormat.of().formatHex(chainCode);
    }
}
