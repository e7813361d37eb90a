package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signed-request scheme, signed by {@link RequestSigner} and checked by {@link RequestVerifier}. */
class RequestVerifierTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");
    private static final long T0 = 1_700_000_000_000L;
    private static final byte[] BODY = "{\"role\":\"miner\"}".getBytes(StandardCharsets.UTF_8);

    private final SettableClock clientClock = new SettableClock(T0);
    private final SettableClock serverClock = new SettableClock(T0);
    private final RequestSigner alice = new RequestSigner(ALICE, clientClock);
    private final RequestVerifier verifier = RequestVerifier.builder().optClock(serverClock).build();

    private static AuthFailure failure(Runnable call) {
        return assertThrows(RequestAuthException.class, call::run).failure();
    }

    @Test
    void signedMessageIsTheFiveLinesOfTheScheme() {
        byte[] msg = SignedRequest.message("post", "/v1/heartbeat?x=1", 42, "00112233445566778899aabbccddeeff",
                SignedRequest.bodySha256Hex(new byte[0]));
        assertEquals("tensorswarm-http/v1\nPOST\n/v1/heartbeat?x=1\n42\n00112233445566778899aabbccddeeff\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                new String(msg, StandardCharsets.UTF_8));
        assertEquals("/a?b=c", SignedRequest.target("/a", "b=c"));
        assertEquals("/", SignedRequest.target("", null));
    }

    @Test
    void headersCarryAValidSignatureOfTheRequest() {
        Map<String, String> h = alice.headers("POST", "/v1/heartbeat", BODY);
        assertEquals(ALICE.ss58Address(), h.get(SignedRequest.HOTKEY_HEADER));
        assertEquals(Long.toString(T0), h.get(SignedRequest.TIMESTAMP_HEADER));
        assertTrue(h.get(SignedRequest.NONCE_HEADER).matches("[0-9a-f]{32}"));
        byte[] sig = HexFormat.of().parseHex(h.get(SignedRequest.SIGNATURE_HEADER).substring(2));
        byte[] msg = SignedRequest.message("POST", "/v1/heartbeat", T0, h.get(SignedRequest.NONCE_HEADER),
                SignedRequest.bodySha256Hex(BODY));
        assertTrue(Sr25519PublicKey.fromSs58(ALICE.ss58Address()).verify(msg, sig));
    }

    @Test
    void acceptsASignedRequestAndReturnsTheHotkey() {
        Map<String, String> h = alice.headers("POST", "/v1/heartbeat", BODY);
        assertEquals(ALICE.ss58Address(), verifier.verify("POST", "/v1/heartbeat", h::get, BODY));
    }

    @Test
    void refusesATamperedPathBodyMethodOrTimestamp() {
        Map<String, String> h = alice.headers("POST", "/v1/heartbeat?a=1", BODY);
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verifier.verify("POST", "/v1/heartbeat?a=2", h::get, BODY)));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verifier.verify("POST", "/v1/heartbeat?a=1", h::get,
                "{\"role\":\"validator\"}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verifier.verify("PUT", "/v1/heartbeat?a=1", h::get, BODY)));
        Map<String, String> shifted = new HashMap<>(h);
        shifted.put(SignedRequest.TIMESTAMP_HEADER, Long.toString(T0 + 1));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verifier.verify("POST", "/v1/heartbeat?a=1", shifted::get, BODY)));
        // none of the refusals used up the nonce: the untampered request still passes once
        assertEquals(ALICE.ss58Address(), verifier.verify("POST", "/v1/heartbeat?a=1", h::get, BODY));
    }

    @Test
    void refusesAnotherHotkeyClaimingTheSignature() {
        Map<String, String> h = new HashMap<>(alice.headers("GET", "/v1/roster", new byte[0]));
        h.put(SignedRequest.HOTKEY_HEADER, BOB.ss58Address());
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verifier.verify("GET", "/v1/roster", h::get, new byte[0])));
    }

    @Test
    void refusesAReplayWithinTheWindow() {
        Map<String, String> h = alice.headers("GET", "/v1/roster", new byte[0]);
        verifier.verify("GET", "/v1/roster", h::get, new byte[0]);
        serverClock.advance(59_000);
        assertEquals(AuthFailure.REPLAYED, failure(() -> verifier.verify("GET", "/v1/roster", h::get, new byte[0])));
        serverClock.advance(2_000);
        assertEquals(AuthFailure.STALE, failure(() -> verifier.verify("GET", "/v1/roster", h::get, new byte[0])));
    }

    @Test
    void refusesTimestampsOutsideTheSkewWindowEitherWay() {
        Map<String, String> old = alice.headers("GET", "/v1/roster", new byte[0]);
        clientClock.advance(2 * 60_001);
        Map<String, String> future = alice.headers("GET", "/v1/roster", new byte[0]);
        serverClock.advance(60_001);
        assertEquals(AuthFailure.STALE, failure(() -> verifier.verify("GET", "/v1/roster", old::get, new byte[0])));
        assertEquals(AuthFailure.STALE, failure(() -> verifier.verify("GET", "/v1/roster", future::get, new byte[0])));
        clientClock.advance(-60_001);
        Map<String, String> now = alice.headers("GET", "/v1/roster", new byte[0]);
        assertEquals(ALICE.ss58Address(), verifier.verify("GET", "/v1/roster", now::get, new byte[0]));
    }

    @Test
    void refusesMissingAndMalformedHeaders() {
        Map<String, String> good = alice.headers("GET", "/x", new byte[0]);
        for (String name : good.keySet()) {
            Map<String, String> h = new HashMap<>(good);
            h.remove(name);
            RequestAuthException e = assertThrows(RequestAuthException.class,
                    () -> verifier.verify("GET", "/x", h::get, new byte[0]));
            assertEquals(AuthFailure.MISSING_HEADER, e.failure());
            assertEquals("missing header " + name, e.getMessage());
            assertEquals(401, e.httpStatus());
        }
        Map<String, String> bad = Map.of(
                SignedRequest.HOTKEY_HEADER, "5NotAnAddress",
                SignedRequest.TIMESTAMP_HEADER, "-5",
                SignedRequest.NONCE_HEADER, "XYZ",
                SignedRequest.SIGNATURE_HEADER, "0x00");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, String> h = new HashMap<>(good);
            h.put(e.getKey(), e.getValue());
            assertEquals(AuthFailure.MALFORMED_HEADER, failure(() -> verifier.verify("GET", "/x", h::get, new byte[0])),
                    e.getKey());
        }
    }

    @Test
    void refusesHotkeysTheAuthorizerDeniesWithForbidden() {
        HotkeyAuthorizer onlyBob = hk -> hk.equals(BOB.ss58Address()) ? Optional.empty() : Optional.of("only Bob");
        Map<String, String> h = alice.headers("GET", "/x", new byte[0]);
        RequestAuthException e = assertThrows(RequestAuthException.class,
                () -> verifier.verify("GET", "/x", h::get, new byte[0], onlyBob));
        assertEquals(AuthFailure.FORBIDDEN, e.failure());
        assertEquals(403, e.httpStatus());
        assertEquals("only Bob", e.getMessage());
        Map<String, String> hb = new RequestSigner(BOB, clientClock).headers("GET", "/x", new byte[0]);
        assertEquals(BOB.ss58Address(), verifier.verify("GET", "/x", hb::get, new byte[0], onlyBob));
    }

    @Test
    void refusesNewNoncesWhenTheMemoryIsFullUntilOldOnesExpire() {
        RequestVerifier small = RequestVerifier.builder().optClock(serverClock).optMaxNonces(2)
                .optMaxSkew(Duration.ofSeconds(10)).build();
        for (int i = 0; i < 2; i++) {
            Map<String, String> h = alice.headers("GET", "/x", new byte[0]);
            small.verify("GET", "/x", h::get, new byte[0]);
        }
        Map<String, String> third = alice.headers("GET", "/x", new byte[0]);
        RequestAuthException e = assertThrows(RequestAuthException.class, () -> small.verify("GET", "/x", third::get, new byte[0]));
        assertEquals(AuthFailure.OVERLOADED, e.failure());
        assertTrue(e.retryable());
        serverClock.advance(20_000);
        clientClock.advance(20_000);
        Map<String, String> later = alice.headers("GET", "/x", new byte[0]);
        assertEquals(ALICE.ss58Address(), small.verify("GET", "/x", later::get, new byte[0]));
    }
}
