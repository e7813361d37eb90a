package io.tensorswarm.common.protocol;

import java.util.regex.Pattern;

/**
 * Shape checks for the identifiers the protocol passes around: SS58 hotkeys, SHA-256 hex digests
 * and sr25519 signatures. The checks are syntactic only (an SS58 checksum is verified by the chain
 * client), but strict enough that a checked string is safe in an object key, a log line or a path.
 */
public final class ProtocolIds {
    /** SS58 addresses of 32-byte keys are 47 or 48 base58 characters (no {@code 0}, {@code O}, {@code I}, {@code l}). */
    private static final Pattern SS58 = Pattern.compile("[1-9A-HJ-NP-Za-km-z]{47,48}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final Pattern SIGNATURE_HEX = Pattern.compile("0x[0-9a-f]{128}");

    private ProtocolIds() {}

    /** Returns whether {@code s} has the shape of an SS58 address: 47 or 48 base58 characters. */
    public static boolean isSs58Shaped(String s) {
        return s != null && SS58.matcher(s).matches();
    }

    /** Returns whether {@code s} is 64 lowercase hex characters (a SHA-256 digest, a model revision). */
    public static boolean isSha256Hex(String s) {
        return s != null && SHA256_HEX.matcher(s).matches();
    }

    /** Returns whether {@code s} is {@code 0x} and 128 lowercase hex characters (a 64-byte sr25519 signature). */
    public static boolean isSignatureHex(String s) {
        return s != null && SIGNATURE_HEX.matcher(s).matches();
    }
}
