package io.tensorswarm.chain.auth;

import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Checks hotkey-signed requests (the scheme of {@link SignedRequest}) for one subnet and one set
 * of host names, and returns the caller's hotkey, or throws a {@link RequestAuthException} saying
 * why not.
 *
 * <p>Checks, in order: the five headers and {@code Host} are present and well-formed; the request
 * names this server's netuid and one of its hosts; the timestamp is within {@code maxSkew} of this
 * clock; the hotkey has room for another nonce and has not used this one within the window; the
 * signature verifies for the request as received; the {@link HotkeyAuthorizer} allows the hotkey.
 * {@link #check} stops there and returns a {@link VerifiedRequest}: its nonce is remembered only
 * when the server calls {@link VerifiedRequest#claimNonce()} after validating the rest of the
 * request, so a refused request stores nothing. {@link #verify} does both at once.
 *
 * <p>Nonces are remembered for {@code 2 × maxSkew} (any replay after that is stale), with a fixed
 * share per hotkey ({@link #DEFAULT_NONCES_PER_HOTKEY}): a hotkey past its share is refused with
 * {@link AuthFailure#RATE_LIMITED} until its own old nonces expire, and can never evict another
 * hotkey's. At most {@link #DEFAULT_MAX_HOTKEYS} hotkeys hold nonces at once (beyond that, new
 * hotkeys get {@link AuthFailure#OVERLOADED}); with an authorizer that admits only a subnet's
 * registered hotkeys this is never reached. Safe for concurrent use.
 *
 * <pre>{@code
 * RequestVerifier verifier = RequestVerifier.builder().setNetuid(netuid)
 *         .optHosts(List.of("orch.example.com", "127.0.0.1:8484"))
 *         .optAuthorizer(MetagraphCache.of(chain, netuid).registered())
 *         .build();
 * String hotkey = verifier.verify("POST", hostHeader, "/v1/heartbeat", headers::get, body);
 * }</pre>
 */
public final class RequestVerifier {
    /** The default accepted clock difference between caller and server. */
    public static final Duration DEFAULT_MAX_SKEW = Duration.ofSeconds(60);
    /** The default number of live nonces one hotkey may hold (within {@code 2 × maxSkew}). */
    public static final int DEFAULT_NONCES_PER_HOTKEY = 512;
    /** The default number of hotkeys holding nonces at once. */
    public static final int DEFAULT_MAX_HOTKEYS = 4096;

    private static final Pattern NONCE = Pattern.compile("[0-9a-f]{" + 2 * SignedRequest.NONCE_BYTES + "}");
    private static final Pattern SIGNATURE = Pattern.compile("0x[0-9a-fA-F]{128}");
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{1,18}");
    private static final Pattern NETUID = Pattern.compile("[0-9]{1,5}");
    private static final int MAX_ADDRESS_CHARS = 64;
    private static final int MAX_HOST_CHARS = 255;

    private final int netuid;
    private final Set<String> hosts;
    private final Duration maxSkew;
    private final Clock clock;
    private final HotkeyAuthorizer authorizer;
    private final NonceStore nonces;

    private RequestVerifier(Builder b) {
        this.netuid = b.netuid;
        this.hosts = Set.copyOf(b.hosts);
        this.maxSkew = b.maxSkew;
        this.clock = b.clock;
        this.authorizer = b.authorizer;
        this.nonces = new NonceStore(b.noncesPerHotkey, b.maxHotkeys);
    }

    /** Returns a builder; the netuid is required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Verifies a request with the builder's authorizer, remembers its nonce, and returns the
     * caller's hotkey (SS58, format 42).
     *
     * @param method the HTTP method
     * @param host the {@code Host} header as received (null when absent)
     * @param target the raw path plus {@code ?} and the raw query when there is one, as received
     * @param header returns a header's first value by name, or null
     * @param body the body bytes as received, empty for none
     * @throws RequestAuthException when a check fails
     */
    public String verify(String method, String host, String target, Function<String, String> header, byte[] body) {
        return verify(method, host, target, header, body, authorizer);
    }

    /**
     * Verifies a request as {@link #verify(String, String, String, Function, byte[])} does, but asks
     * {@code authorizer} (instead of the builder's) whether the hotkey may call.
     *
     * @throws RequestAuthException when a check fails
     */
    public String verify(String method, String host, String target, Function<String, String> header, byte[] body,
            HotkeyAuthorizer authorizer) {
        VerifiedRequest verified = check(method, host, target, header, body, authorizer);
        verified.claimNonce();
        return verified.hotkey();
    }

    /**
     * Runs every check but remembers nothing: the caller validates the rest of the request and then
     * calls {@link VerifiedRequest#claimNonce()} before acting on it.
     *
     * @throws RequestAuthException when a check fails
     */
    public VerifiedRequest check(String method, String host, String target, Function<String, String> header,
            byte[] body, HotkeyAuthorizer authorizer) {
        Objects.requireNonNull(authorizer, "authorizer");
        String address = required(header, SignedRequest.HOTKEY_HEADER);
        String netuidText = required(header, SignedRequest.NETUID_HEADER);
        String timestampText = required(header, SignedRequest.TIMESTAMP_HEADER);
        String nonce = required(header, SignedRequest.NONCE_HEADER);
        String signatureText = required(header, SignedRequest.SIGNATURE_HEADER);
        if (host == null || host.isBlank()) {
            throw new RequestAuthException(AuthFailure.MISSING_HEADER, "missing header Host");
        }

        Sr25519PublicKey key = parseHotkey(address);
        String hotkey = key.toSs58();
        if (!NETUID.matcher(netuidText).matches()) {
            throw malformed(SignedRequest.NETUID_HEADER + " must be a decimal netuid");
        }
        if (!TIMESTAMP.matcher(timestampText).matches()) {
            throw malformed(SignedRequest.TIMESTAMP_HEADER + " must be Unix milliseconds");
        }
        if (!NONCE.matcher(nonce).matches()) {
            throw malformed(SignedRequest.NONCE_HEADER + " must be " + 2 * SignedRequest.NONCE_BYTES + " lowercase hex characters");
        }
        if (!SIGNATURE.matcher(signatureText).matches()) {
            throw malformed(SignedRequest.SIGNATURE_HEADER + " must be 0x and 128 hex characters");
        }
        int requestNetuid = Integer.parseInt(netuidText);
        if (requestNetuid != netuid) {
            throw new RequestAuthException(AuthFailure.WRONG_AUDIENCE, "request is signed for netuid " + requestNetuid
                    + "; this server serves netuid " + netuid);
        }
        String normalizedHost = SignedRequest.normalizeHost(host);
        if (normalizedHost.length() > MAX_HOST_CHARS || (!hosts.isEmpty() && !hosts.contains(normalizedHost))) {
            throw new RequestAuthException(AuthFailure.WRONG_AUDIENCE, "request is for host "
                    + printable(normalizedHost) + ", which is not one of this server's names");
        }
        long timestamp = Long.parseLong(timestampText);
        long now = clock.millis();
        long skew = maxSkew.toMillis();
        if (Math.abs(now - timestamp) > skew) {
            throw new RequestAuthException(AuthFailure.STALE, "request timestamp " + timestamp + " is "
                    + Math.abs(now - timestamp) + " ms from the server's clock, more than " + skew + " ms");
        }
        long hi = Long.parseUnsignedLong(nonce, 0, 16, 16);
        long lo = Long.parseUnsignedLong(nonce, 16, 32, 16);
        refuseUnless(nonces.peek(hotkey, hi, lo, now), hotkey);
        byte[] signature = HexFormat.of().parseHex(signatureText, 2, signatureText.length());
        byte[] message = SignedRequest.message(method, normalizedHost, requestNetuid, target, timestamp, nonce,
                SignedRequest.bodySha256Hex(body));
        if (!key.verify(message, signature)) {
            throw new RequestAuthException(AuthFailure.BAD_SIGNATURE,
                    "signature does not verify for hotkey " + hotkey + " and this request");
        }
        Optional<String> denial = authorizer.denial(hotkey);
        if (denial.isPresent()) {
            throw new RequestAuthException(AuthFailure.FORBIDDEN, denial.get());
        }
        return new VerifiedRequest(this, hotkey, hi, lo);
    }

    /** Remembers a checked request's nonce (through {@link VerifiedRequest#claimNonce()}). */
    void claim(String hotkey, long hi, long lo) {
        long now = clock.millis();
        refuseUnless(nonces.claim(hotkey, hi, lo, now, now + 2 * maxSkew.toMillis()), hotkey);
    }

    private void refuseUnless(NonceStore.Outcome outcome, String hotkey) {
        switch (outcome) {
            case FREE, CLAIMED -> { }
            case SEEN -> throw new RequestAuthException(AuthFailure.REPLAYED, "nonce already used by hotkey " + hotkey);
            case HOTKEY_FULL -> throw new RequestAuthException(AuthFailure.RATE_LIMITED, "hotkey " + hotkey
                    + " sent more than its " + nonceShare() + " signed requests in " + 2 * maxSkew.toSeconds()
                    + " s; retry later");
            case TABLE_FULL -> throw new RequestAuthException(AuthFailure.OVERLOADED,
                    "too many hotkeys sent signed requests in the last " + 2 * maxSkew.toSeconds() + " s; retry later");
        }
    }

    private int nonceShare() {
        return nonces.perHotkey();
    }

    /** Returns the netuid requests must name. */
    public int netuid() {
        return netuid;
    }

    /** Returns the host names requests may name (lower case); empty when any host is accepted. */
    public Set<String> hosts() {
        return hosts;
    }

    /** Returns the accepted clock difference. */
    public Duration maxSkew() {
        return maxSkew;
    }

    /** Returns how many nonces are remembered now (expired ones included until purged). */
    public int rememberedNonces() {
        return nonces.size();
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

    private static String printable(String s) {
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[^\\x21-\\x7e]", "?");
    }

    private static RequestAuthException malformed(String message) {
        return new RequestAuthException(AuthFailure.MALFORMED_HEADER, message);
    }

    /** Configures a {@link RequestVerifier}. */
    public static final class Builder {
        private Integer netuid;
        private final Set<String> hosts = new LinkedHashSet<>();
        private Duration maxSkew = DEFAULT_MAX_SKEW;
        private int noncesPerHotkey = DEFAULT_NONCES_PER_HOTKEY;
        private int maxHotkeys = DEFAULT_MAX_HOTKEYS;
        private Clock clock = Clock.systemUTC();
        private HotkeyAuthorizer authorizer = HotkeyAuthorizer.ANYONE;

        private Builder() {}

        /** Sets the subnet requests must name (required). */
        public Builder setNetuid(int netuid) {
            if (netuid < 0 || netuid > 65535) {
                throw new IllegalArgumentException("netuid must be in [0, 65535], got " + netuid);
            }
            this.netuid = netuid;
            return this;
        }

        /**
         * Sets the {@code Host} values requests may name, e.g. {@code orch.example.com} or {@code
         * 127.0.0.1:8484} (compared in lower case, port included unless the client's scheme default);
         * default: none given, any host is accepted.
         */
        public Builder optHosts(Collection<String> names) {
            hosts.clear();
            for (String name : names) {
                String h = SignedRequest.normalizeHost(name);
                if (h.isEmpty()) {
                    throw new IllegalArgumentException("host names must not be blank");
                }
                hosts.add(h);
            }
            return this;
        }

        /** Sets the accepted clock difference between caller and server (default 60 s). */
        public Builder optMaxSkew(Duration maxSkew) {
            this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
            return this;
        }

        /** Sets how many live nonces one hotkey may hold (default {@value #DEFAULT_NONCES_PER_HOTKEY}). */
        public Builder optNoncesPerHotkey(int n) {
            this.noncesPerHotkey = n;
            return this;
        }

        /** Sets how many hotkeys may hold nonces at once (default {@value #DEFAULT_MAX_HOTKEYS}). */
        public Builder optMaxHotkeys(int n) {
            this.maxHotkeys = n;
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
            if (netuid == null) {
                throw new IllegalArgumentException("You must specify the netuid requests are for");
            }
            if (maxSkew.isNegative() || maxSkew.isZero()) {
                throw new IllegalArgumentException("You must specify a positive maxSkew, got " + maxSkew);
            }
            if (noncesPerHotkey < 1 || maxHotkeys < 1) {
                throw new IllegalArgumentException("You must specify noncesPerHotkey >= 1 and maxHotkeys >= 1, got "
                        + noncesPerHotkey + " and " + maxHotkeys);
            }
            return new RequestVerifier(this);
        }
    }
}
