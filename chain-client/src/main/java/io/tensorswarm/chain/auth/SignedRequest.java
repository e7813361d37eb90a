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
 * <p>The signed message is the UTF-8 bytes of eight lines joined by {@code \n} (no trailing
 * newline): the domain tag {@link #DOMAIN}, the upper-case HTTP method, the host the request is for
 * (the {@code Host} header as sent, lower case), the subnet's netuid (decimal), the request target
 * as sent (raw path, plus {@code ?} and the raw query when there is one), the timestamp in Unix
 * milliseconds (decimal), the nonce (32 lowercase hex characters) and the lowercase hex SHA-256 of
 * the body (of zero bytes when there is none). The hotkey signs it with sr25519 in the "substrate"
 * context. Naming the host and the netuid means a request signed for one orchestrator or subnet is
 * refused by every other.
 *
 * <pre>{@code
 * byte[] message = SignedRequest.message("POST", "orch.example.com:8484", 1, "/v1/heartbeat",
 *         1700000000000L, "00112233445566778899aabbccddeeff", SignedRequest.bodySha256Hex(body));
 * }</pre>
 */
public final class SignedRequest {
    /** Header carrying the caller's hotkey as an SS58 address. */
    public static final String HOTKEY_HEADER = "X-TS-Hotkey";
    /** Header carrying the netuid of the subnet the request is for (decimal). */
    public static final String NETUID_HEADER = "X-TS-Netuid";
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
     * never pass as the hotkey's signature of anything else (a manifest, a wallet message), nor as
     * one of the earlier {@code v1} scheme, which named neither host nor netuid.
     */
    public static final String DOMAIN = "tensorswarm-http/v2";

    private SignedRequest() {}

    /**
     * Returns the canonical bytes a hotkey signs for a request.
     *
     * @param method the HTTP method (upper-cased here)
     * @param host the {@code Host} header the request carries (lower-cased here), e.g. {@code 127.0.0.1:8484}
     * @param netuid the subnet the request is for
     * @param target the raw path plus {@code ?} and the raw query when there is one, exactly as sent
     * @param timestampMillis the signing time
     * @param nonce 32 lowercase hex characters
     * @param bodySha256Hex {@link #bodySha256Hex(byte[])} of the body
     * @throws IllegalArgumentException if a field contains a line break
     */
    public static byte[] message(String method, String host, int netuid, String target, long timestampMillis,
            String nonce, String bodySha256Hex) {
        String m = method.toUpperCase(Locale.ROOT);
        String h = normalizeHost(host);
        for (String part : new String[] {m, h, target, nonce, bodySha256Hex}) {
            if (part.indexOf('\n') >= 0 || part.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("signed request fields must not contain line breaks");
            }
        }
        return (DOMAIN + "\n" + m + "\n" + h + "\n" + netuid + "\n" + target + "\n" + timestampMillis + "\n" + nonce
                + "\n" + bodySha256Hex).getBytes(StandardCharsets.UTF_8);
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

    /**
     * Returns the {@code Host} header of a URL as HTTP clients send it: the host in lower case (an
     * IPv6 address in brackets), and {@code :port} unless the port is the scheme's default (80 for
     * http, 443 for https).
     */
    public static String hostHeader(String scheme, String host, int port) {
        String h = host.toLowerCase(Locale.ROOT);
        if (h.indexOf(':') >= 0 && !h.startsWith("[")) {
            h = "[" + h + "]";
        }
        boolean defaultPort = ("http".equalsIgnoreCase(scheme) && port == 80)
                || ("https".equalsIgnoreCase(scheme) && port == 443);
        return defaultPort ? h : h + ":" + port;
    }

    /** Returns a {@code Host} value as compared and signed: stripped and in lower case. */
    public static String normalizeHost(String host) {
        return host == null ? "" : host.strip().toLowerCase(Locale.ROOT);
    }
}
