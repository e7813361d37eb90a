package io.tensorswarm.chain.scale;

/** Converts between bytes and lowercase hex strings, with or without the {@code 0x} prefix. */
public final class Hex {
    private static final char[] DIGITS = "0123456789abcdef".toCharArray();

    private Hex() {}

    /** Returns the lowercase hex of {@code bytes} without a prefix. */
    public static String encode(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = DIGITS[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = DIGITS[bytes[i] & 0xf];
        }
        return new String(out);
    }

    /** Returns {@code 0x} followed by the lowercase hex of {@code bytes}. */
    public static String encodePrefixed(byte[] bytes) {
        return "0x" + encode(bytes);
    }

    /**
     * Returns the bytes of a hex string; an optional {@code 0x} prefix and whitespace are ignored.
     *
     * @throws IllegalArgumentException if the string has an odd length or a non-hex character
     */
    public static byte[] decode(String hex) {
        String s = hex.strip().replace(" ", "");
        if (s.startsWith("0x") || s.startsWith("0X")) {
            s = s.substring(2);
        }
        if (s.length() % 2 != 0) {
            throw new IllegalArgumentException("hex string has odd length " + s.length());
        }
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            int hi = Character.digit(s.charAt(2 * i), 16);
            int lo = Character.digit(s.charAt(2 * i + 1), 16);
            if (hi < 0 || lo < 0) {
                throw new IllegalArgumentException("not a hex digit near index " + 2 * i);
            }
            out[i] = (byte) ((hi << 4) | lo);
        }
        return out;
    }
}
