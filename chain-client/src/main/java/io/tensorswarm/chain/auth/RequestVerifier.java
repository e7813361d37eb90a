package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks hotkey-signed requests (the scheme of {@link SignedRequest}) and returns the caller's
 * hotkey, or throws a {@link RequestAuthException} saying why not.
 *
 * <p>Checks, in order: the four headers are present and well-formed; the timestamp is within
 * {@code maxSkew} of this clock; the nonce has not been seen from this hotkey within the window;
 * the signature verifies for the request as received; the {@link HotkeyAuthorizer} allows the
 * hotkey. Only then is the nonce remembered, so refused callers cannot fill the nonce memory. A
 * nonce is remembered for {@code 2 × maxSkew} (any replay after that is stale), and at most {@code
 * maxNonces} at once: beyond that, requests are refused as {@link AuthFailure#OVERLOADED} until
 * old nonces expire. Safe for concurrent use.
 *
 * <pre>{@code
 * RequestVerifier verifier = RequestVerifier.builder()
 *         .optAuthorizer(MetagraphCache.of(chain, netuid).registered())
 *         .build();
 * String hotkey = verifier.verify("POST", "/v1/heartbeat", exchange.getRequestHeaders()::getFirst, body);
 * }</pre>
 */
public final class RequestVerifier {
    /** The default accepted clock difference between caller and server. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(60);
    /** The default number of nonces remembered at once. */
    public static final int DEFAULT_MAX_NONCES = 100_000;

    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{" + 2 * SignedRequest.NONCE_BYTES + "}");
    private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-fA-F]{128}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");
    private static final int MAX_ADDRESS_CHARS = 64;

    private final Duration maxSkew;
    private final Clock clock;
    private final HotkeyAuthorizer authorizer;
    private final NonceCache nonces;

    private RequestVerifier(Builder b) {
        this.maxSkew = b.maxSkew;
        this.clock = b.clock;
        this.authorizer = b.authorizer;
        this.nonces = new NonceCache(b.maxNonces);
    }

    /** Returns a builder; every setting has a default. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a request with the builder's authorizer and returns the caller's hotkey (SS58,
     * format 42).
     *
     * @param method the HTTP method
     * @param target the raw path plus {@code ?} and the raw query when there is one, as received
     * @param header returns a header's first value by name, or null
     * @param body the body bytes as received, empty for none
     * @throws RequestAuthException when a check fails
     */
    public String verify(String method, String target, Function<String, String> header, byte[] body) {
        return verify(method, target, header, body, authorizer);
    }

    /**
     * Verifies a request as {@link #verify(String, String, Function, byte[])} does, but asks {@code
     * authorizer} (instead of the builder's) whether the hotkey may call.
     *
     * @throws RequestAuthException when a check fails
     */
    public String verify(String method, String target, Function<String, String> header, byte[] body,
            HotkeyAuthorizer authorizer) {
        String address = required(header, SignedRequest.HOTKEY_HEADER);
        String timestampText = required(header, SignedRequest.TIMESTAMP_HEADER);
        String nonce = required(header, SignedRequest.NONCE_HEADER);
        String signatureText = required(header, SignedRequest.SIGNATURE_HEADER);

        Sr25519PublicKey key = parseHotkey(address);
        String hotkey = key.toSs58();
        if (!TIMESTAMP.matcher(timestampText).matches()) {
            throw malformed(SignedRequest.TIMESTAMP_HEADER + " must be Unix milliseconds");
        }
        if (!NONCE.matcher(nonce).matches()) {
            throw malformed(SignedRequest.NONCE_HEADER + " must be " + 2 * SignedRequest.NONCE_BYTES + " lowercase hex characters");
        }
        if (!SIGNATURE.matcher(signatureText).matches()) {
            throw malformed(SignedRequest.SIGNATURE_HEADER + " must be 0x and 128 hex characters");
        }
        long timestamp = Long.parseLong(timestampText);
        long now = clock.millis();
        long skew = maxSkew.toMillis();
        if (Math.abs(now - timestamp) > skew) {
            throw new RequestAuthException(AuthFailure.STALE, "request timestamp " + timestamp + " is "
                    + Math.abs(now - timestamp) + " ms from the server's clock, more than " + skew + " ms");
        }
        String nonceKey = hotkey + "/" + nonce;
        if (nonces.contains(nonceKey, now)) {
            throw replayed(hotkey);
        }
        byte[] signature = HexFormat.of().parseHex(signatureText, 2, signatureText.length());
        byte[] message = SignedRequest.message(method, target, timestamp, nonce, SignedRequest.bodySha256Hex(body));
        if (!key.verify(message, signature)) {
            throw new RequestAuthException(AuthFailure.BAD_SIGNATURE,
                    "signature does not verify for hotkey " + hotkey + " and this request");
        }
        Optional<String> denial = authorizer.denial(hotkey);
        if (denial.isPresent()) {
            throw new RequestAuthException(AuthFailure.FORBIDDEN, denial.get());
        }
        switch (nonces.remember(nonceKey, now, now + 2 * skew)) {
            case SEEN -> throw replayed(hotkey);
            case FULL -> throw new RequestAuthException(AuthFailure.OVERLOADED,
                    "too many signed requests in the last " + 2 * skew + " ms; retry later");
            case REMEMBERED -> { }
        }
        return hotkey;
    }

    /** Returns the accepted clock difference. */
    public Duration maxSkew() {
        return maxSkew;
    }

    private static String required(Function<String, String> header, String name) {
        String value = header.apply(name);
        if (value == null || value.isEmpty()) {
            throw new RequestAuthException(AuthFailure.MISSING_HEADER, "missing header " + name);
        }
        return value.strip();
    }

    private static Sr25519PublicKey parseHotkey(String address) {
        if (address.length() > MAX_ADDRESS_CHARS) {
            throw malformed(SignedRequest.HOTKEY_HEADER + " is longer than an SS58 address");
        }
        try {
            return Sr25519PublicKey.fromSs58(address);
        } catch (CryptoException e) {
            throw malformed(SignedRequest.HOTKEY_HEADER + ": " + e.getMessage());
        }
    }

    private static RequestAuthException malformed(String message) {
        return new RequestAuthException(AuthFailure.MALFORMED_HEADER, message);
    }

    private static RequestAuthException replayed(String hotkey) {
        return new RequestAuthException(AuthFailure.REPLAYED, "nonce already used by hotkey " + hotkey);
    }

    /** Configures a {@link RequestVerifier}. */
    public static final class Builder {
        private Duration maxSkew = DEFAULT_MAX_SKEW;
        private int maxNonces = DEFAULT_MAX_NONCES;
        private Clock clock = Clock.systemUTC();
        private HotkeyAuthorizer authorizer = HotkeyAuthorizer.ANYONE;

        private Builder() {}

        /** Sets the accepted clock difference between caller and server (default 60 s). */
        public Builder optMaxSkew(Duration maxSkew) {
            this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
            return this;
        }

        /** Sets how many nonces are remembered at once (default 100,000). */
        public Builder optMaxNonces(int maxNonces) {
            this.maxNonces = maxNonces;
            return this;
        }

        /** Sets the server clock (default: the system clock). */
        public Builder optClock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets who may call (default: {@link HotkeyAuthorizer#ANYONE}). */
        public Builder optAuthorizer(HotkeyAuthorizer authorizer) {
            this.authorizer = Objects.requireNonNull(authorizer, "authorizer");
            return this;
        }

        /** Returns the verifier. */
        public RequestVerifier build() {
            if (maxSkew.isNegative() || maxSkew.isZero()) {
                throw new IllegalArgumentException("You must specify a positive maxSkew, got " + maxSkew);
            }
            if (maxNonces < 1) {
                throw new IllegalArgumentException("You must specify maxNonces >= 1, got " + maxNonces);
            }
            return new RequestVerifier(this);
        }
    }
}
