package io.tensorswarm.chain.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;

/**
 * The signed-request scheme's constants and its canonical message, shared by {@link RequestSigner}
 * and {@link RequestVerifier}.
 *
 * <p>The signed message is the UTF-8 bytes of five lines joined by {@code \n} (no trailing newline):
 * the upper-case HTTP method, the request target as sent (raw path, plus {@code ?} and the raw query
 * when there is one), the timestamp in Unix milliseconds (decimal), the nonce (32 lowercase hex
 * characters) and the lowercase hex SHA-256 of the body (of zero bytes when there is none). The
 * hotkey signs it with sr25519 in the "substrate" context.
 *
 * <pre>{@code
 * byte[] message = SignedRequest.message("POST", "/v1/heartbeat", 1700000000000L,
 *         "00112233445566778899aabbccddeeff", SignedRequest.bodySha256Hex(body));
 * }</pre>
 */
public final class SignedRequest {
    /** Header carrying the caller's hotkey as an SS58 address. */
    public static final String HOTKEY_HEADER = "X-TS-Hotkey";
    /** Header carrying the signing time in Unix milliseconds. */
    public static final String TIMESTAMP_HEADER = "X-TS-Timestamp";
    /** Header carrying a random 16-byte nonce as 32 lowercase hex characters. */
    public static final String NONCE_HEADER = "X-TS-Nonce";
    /** Header carrying the 64-byte sr25519 signature as {@code 0x} and 128 hex characters. */
    public static final String SIGNATURE_HEADER = "X-TS-Signature";
    /** Length of the nonce in bytes. */
    public static final int NONCE_BYTES = 16;
    /**
     * First line of every signed message: a domain tag, so a signature made for an HTTP request can
     * never pass as the hotkey's signature of anything else (a manifest, a wallet message).
     */
    public static final String DOMAIN = "tensorswarm-http/v1";

    private SignedRequest() {}

    /**
     * Returns the canonical bytes a hotkey signs for a request.
     *
     * @throws IllegalArgumentException if a field contains a newline
     */
    public static byte[] message(String method, String target, long timestampMillis, String nonce, String bodySha256Hex) {
        String m = method.toUpperCase(Locale.ROOT);
        for (String part : new String[] {m, target, nonce, bodySha256Hex}) {
            if (part.indexOf('\n') >= 0 || part.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("signed request fields must not contain line breaks");
            }
        }
        return (DOMAIN + "\n" + m + "\n" + target + "\n" + timestampMillis + "\n" + nonce + "\n" + bodySha256Hex)
                .getBytes(StandardCharsets.UTF_8);
    }

    /** Returns the lowercase hex SHA-256 of {@code body} (an empty array for no body). */
    public static String bodySha256Hex(byte[] body) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from the JDK", e);
        }
    }

    /** Returns the request target of a raw path and raw query ({@code null} or empty for none). */
    public static String target(String rawPath, String rawQuery) {
        String path = rawPath == null || rawPath.isEmpty() ? "/" : rawPath;
        return rawQuery == null || rawQuery.isEmpty() ? path : path + "?" + rawQuery;
    }
}
