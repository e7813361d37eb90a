package io.tensorswarm.chain.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The signed-request scheme, signed by {@link RequestSigner} and checked by {@link RequestVerifier}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestVerifierTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");
    private static final long T0 = 1_700_000_000_000L;
    private static final int NETUID = 7;
    private static final String HOST = "orch.example.com:8484";
    private static final byte[] BODY = "{\"role\":\"miner\"}".getBytes(StandardCharsets.UTF_8);
    private static final byte[] NONE = new byte[0];

    private final SettableClock clientClock = new SettableClock(T0);
    private final SettableClock serverClock = new SettableClock(T0);
    private final RequestSigner alice = new RequestSigner(ALICE, NETUID, clientClock);
    private final RequestVerifier verifier = RequestVerifier.builder().setNetuid(NETUID).optHosts(List.of(HOST))
            .optClock(serverClock).build();

    private static AuthFailure failure(Runnable call) {
        return assertThrows(RequestAuthException.class, call::run).failure();
    }

    private String verify(RequestVerifier v, String method, String target, Map<String, String> h, byte[] body) {
        return v.verify(method, HOST, target, h::get, body);
    }

    @Test
    void signedMessageIsTheEightLinesOfTheScheme() {
        byte[] msg = SignedRequest.message("post", "Orch.Example.com:8484", 7, "/v1/heartbeat?x=1", 42,
                "00112233445566778899aabbccddeeff", SignedRequest.bodySha256Hex(NONE));
        assertEquals("tensorswarm-http/v2\nPOST\norch.example.com:8484\n7\n/v1/heartbeat?x=1\n42\n"
                + "00112233445566778899aabbccddeeff\n"
                + "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
                new String(msg, StandardCharsets.UTF_8));
        assertEquals("/a?b=c", SignedRequest.target("/a", "b=c"));
        assertEquals("/", SignedRequest.target("", null));
    }

    @Test
    void headersCarryAValidSignatureOfTheRequestForItsHostAndNetuid() {
        Map<String, String> h = alice.headers("POST", HOST, "/v1/heartbeat", BODY);
        assertEquals(ALICE.ss58Address(), h.get(SignedRequest.HOTKEY_HEADER));
        assertEquals("7", h.get(SignedRequest.NETUID_HEADER));
        assertEquals(Long.toString(T0), h.get(SignedRequest.TIMESTAMP_HEADER));
        assertTrue(h.get(SignedRequest.NONCE_HEADER).matches("[0-9a-f]{32}"));
        byte[] sig = HexFormat.of().parseHex(h.get(SignedRequest.SIGNATURE_HEADER).substring(2));
        byte[] msg = SignedRequest.message("POST", HOST, NETUID, "/v1/heartbeat", T0, h.get(SignedRequest.NONCE_HEADER),
                SignedRequest.bodySha256Hex(BODY));
        assertTrue(Sr25519PublicKey.fromSs58(ALICE.ss58Address()).verify(msg, sig));
    }

    @Test
    void acceptsASignedRequestAndReturnsTheHotkey() {
        Map<String, String> h = alice.headers("POST", HOST, "/v1/heartbeat", BODY);
        assertEquals(ALICE.ss58Address(), verifier.verify("POST", "ORCH.example.com:8484 ", "/v1/heartbeat", h::get, BODY));
    }

    @Test
    void aRequestSignedForAnotherHostOrNetuidIsRefusedByThisServer() {
        RequestVerifier other = RequestVerifier.builder().setNetuid(NETUID).optHosts(List.of("other.example.com"))
                .optClock(serverClock).build();
        Map<String, String> forHere = alice.headers("POST", HOST, "/v1/heartbeat", BODY);
        // replayed to another orchestrator, Host rewritten to its name: the signature named this one
        RequestAuthException rewritten = assertThrows(RequestAuthException.class,
                () -> other.verify("POST", "other.example.com", "/v1/heartbeat", forHere::get, BODY));
        assertEquals(AuthFailure.BAD_SIGNATURE, rewritten.failure());
        // replayed with the original Host: not one of its names
        RequestAuthException kept = assertThrows(RequestAuthException.class,
                () -> other.verify("POST", HOST, "/v1/heartbeat", forHere::get, BODY));
        assertEquals(AuthFailure.WRONG_AUDIENCE, kept.failure());
        assertEquals(401, kept.httpStatus());

        RequestVerifier subnet8 = RequestVerifier.builder().setNetuid(8).optHosts(List.of(HOST)).optClock(serverClock).build();
        assertEquals(AuthFailure.WRONG_AUDIENCE, failure(() -> verify(subnet8, "POST", "/v1/heartbeat", forHere, BODY)));
        Map<String, String> netuidEdited = new HashMap<>(forHere);
        netuidEdited.put(SignedRequest.NETUID_HEADER, "8");
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(subnet8, "POST", "/v1/heartbeat", netuidEdited, BODY)));
        // the original is still good where it was meant to go
        assertEquals(ALICE.ss58Address(), verify(verifier, "POST", "/v1/heartbeat", forHere, BODY));
    }

    @Test
    void refusesATamperedPathBodyMethodOrTimestamp() {
        Map<String, String> h = alice.headers("POST", HOST, "/v1/heartbeat?a=1", BODY);
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(verifier, "POST", "/v1/heartbeat?a=2", h, BODY)));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(verifier, "POST", "/v1/heartbeat?a=1", h,
                "{\"role\":\"validator\"}".getBytes(StandardCharsets.UTF_8))));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(verifier, "PUT", "/v1/heartbeat?a=1", h, BODY)));
        Map<String, String> shifted = new HashMap<>(h);
        shifted.put(SignedRequest.TIMESTAMP_HEADER, Long.toString(T0 + 1));
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(verifier, "POST", "/v1/heartbeat?a=1", shifted, BODY)));
        // none of the refusals used up the nonce: the untampered request still passes once
        assertEquals(ALICE.ss58Address(), verify(verifier, "POST", "/v1/heartbeat?a=1", h, BODY));
        assertEquals(1, verifier.rememberedNonces());
    }

    @Test
    void refusesAnotherHotkeyClaimingTheSignature() {
        Map<String, String> h = new HashMap<>(alice.headers("GET", HOST, "/v1/roster", NONE));
        h.put(SignedRequest.HOTKEY_HEADER, BOB.ss58Address());
        assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> verify(verifier, "GET", "/v1/roster", h, NONE)));
    }

    @Test
    void refusesAReplayWithinTheWindow() {
        Map<String, String> h = alice.headers("GET", HOST, "/v1/roster", NONE);
        verify(verifier, "GET", "/v1/roster", h, NONE);
        serverClock.advance(59_000);
        assertEquals(AuthFailure.REPLAYED, failure(() -> verify(verifier, "GET", "/v1/roster", h, NONE)));
        serverClock.advance(2_000);
        assertEquals(AuthFailure.STALE, failure(() -> verify(verifier, "GET", "/v1/roster", h, NONE)));
    }

    @Test
    void checkStoresNothingSoARequestRefusedAfterItCanBeSentAgain() {
        Map<String, String> h = alice.headers("POST", HOST, "/v1/heartbeat", BODY);
        VerifiedRequest checked = verifier.check("POST", HOST, "/v1/heartbeat", h::get, BODY, HotkeyAuthorizer.ANYONE);
        assertEquals(ALICE.ss58Address(), checked.hotkey());
        assertFalse(checked.claimed());
        assertEquals(0, verifier.rememberedNonces(), "a request whose body the server then refuses leaves nothing");
        VerifiedRequest again = verifier.check("POST", HOST, "/v1/heartbeat", h::get, BODY, HotkeyAuthorizer.ANYONE);
        again.claimNonce();
        again.claimNonce(); // idempotent
        assertEquals(1, verifier.rememberedNonces());
        assertEquals(AuthFailure.REPLAYED, failure(checked::claimNonce), "two checked copies: only one is acted on");
        assertEquals(AuthFailure.REPLAYED, failure(() -> verify(verifier, "POST", "/v1/heartbeat", h, BODY)));
    }

    @Test
    void aNonceFloodByOneHotkeyOnlyRateLimitsThatHotkey() {
        RequestVerifier small = RequestVerifier.builder().setNetuid(NETUID).optClock(serverClock)
                .optNoncesPerHotkey(50).build();
        for (int i = 0; i < 50; i++) {
            Map<String, String> h = alice.headers("POST", HOST, "/x", NONE);
            small.verify("POST", HOST, "/x", h::get, NONE);
        }
        Map<String, String> more = alice.headers("POST", HOST, "/x", NONE);
        RequestAuthException limited = assertThrows(RequestAuthException.class,
                () -> small.verify("POST", HOST, "/x", more::get, NONE));
        assertEquals(AuthFailure.RATE_LIMITED, limited.failure());
        assertEquals(429, limited.httpStatus());
        assertTrue(limited.retryable());
        // everyone else is untouched, and Alice's own requests stay unreplayable
        Map<String, String> bob = new RequestSigner(BOB, NETUID, clientClock).headers("POST", HOST, "/x", NONE);
        assertEquals(BOB.ss58Address(), small.verify("POST", HOST, "/x", bob::get, NONE));
        assertEquals(51, small.rememberedNonces());
        // once Alice's own nonces expire (2 × skew), she is served again
        serverClock.advance(120_001);
        clientClock.advance(120_001);
        Map<String, String> later = alice.headers("POST", HOST, "/x", NONE);
        assertEquals(ALICE.ss58Address(), small.verify("POST", HOST, "/x", later::get, NONE));
    }

    @Test
    void refusedRequestsNeverFillTheNonceMemory() {
        RequestVerifier small = RequestVerifier.builder().setNetuid(NETUID).optClock(serverClock)
                .optNoncesPerHotkey(2).build();
        for (int i = 0; i < 20; i++) {
            Map<String, String> h = alice.headers("POST", HOST, "/x", BODY);
            assertEquals(AuthFailure.BAD_SIGNATURE, failure(() -> small.verify("POST", HOST, "/x", h::get, NONE)));
            assertEquals(AuthFailure.FORBIDDEN, failure(() -> small.verify("POST", HOST, "/x", h::get, BODY,
                    hk -> Optional.of("nobody"))));
        }
        assertEquals(0, small.rememberedNonces());
        Map<String, String> good = alice.headers("POST", HOST, "/x", NONE);
        assertEquals(ALICE.ss58Address(), small.verify("POST", HOST, "/x", good::get, NONE));
    }

    @Test
    void newHotkeysGetOverloadedOnlyWhileTheHotkeyTableIsFull() {
        RequestVerifier one = RequestVerifier.builder().setNetuid(NETUID).optClock(serverClock).optMaxHotkeys(1)
                .optMaxSkew(Duration.ofSeconds(10)).build();
        Map<String, String> a = alice.headers("GET", HOST, "/x", NONE);
        one.verify("GET", HOST, "/x", a::get, NONE);
        Map<String, String> b = new RequestSigner(BOB, NETUID, clientClock).headers("GET", HOST, "/x", NONE);
        assertEquals(AuthFailure.OVERLOADED, failure(() -> one.verify("GET", HOST, "/x", b::get, NONE)));
        Map<String, String> a2 = alice.headers("GET", HOST, "/x", NONE);
        assertEquals(ALICE.ss58Address(), one.verify("GET", HOST, "/x", a2::get, NONE), "a holder keeps its share");
        serverClock.advance(20_001);
        clientClock.advance(20_001);
        Map<String, String> b2 = new RequestSigner(BOB, NETUID, clientClock).headers("GET", HOST, "/x", NONE);
        assertEquals(BOB.ss58Address(), one.verify("GET", HOST, "/x", b2::get, NONE));
    }

    @Test
    void refusesTimestampsOutsideTheSkewWindowEitherWay() {
        Map<String, String> old = alice.headers("GET", HOST, "/v1/roster", NONE);
        clientClock.advance(2 * 60_001);
        Map<String, String> future = alice.headers("GET", HOST, "/v1/roster", NONE);
        serverClock.advance(60_001);
        assertEquals(AuthFailure.STALE, failure(() -> verify(verifier, "GET", "/v1/roster", old, NONE)));
        assertEquals(AuthFailure.STALE, failure(() -> verify(verifier, "GET", "/v1/roster", future, NONE)));
        clientClock.advance(-60_001);
        Map<String, String> now = alice.headers("GET", HOST, "/v1/roster", NONE);
        assertEquals(ALICE.ss58Address(), verify(verifier, "GET", "/v1/roster", now, NONE));
    }

    @Test
    void refusesMissingAndMalformedHeaders() {
        Map<String, String> good = alice.headers("GET", HOST, "/x", NONE);
        for (String name : good.keySet()) {
            Map<String, String> h = new HashMap<>(good);
            h.remove(name);
            RequestAuthException e = assertThrows(RequestAuthException.class, () -> verify(verifier, "GET", "/x", h, NONE));
            assertEquals(AuthFailure.MISSING_HEADER, e.failure());
            assertEquals("missing header " + name, e.getMessage());
            assertEquals(401, e.httpStatus());
        }
        assertEquals(AuthFailure.MISSING_HEADER, failure(() -> verifier.verify("GET", null, "/x", good::get, NONE)));
        Map<String, String> bad = Map.of(
                SignedRequest.HOTKEY_HEADER, "5NotAnAddress",
                SignedRequest.NETUID_HEADER, "seven",
                SignedRequest.TIMESTAMP_HEADER, "-5",
                SignedRequest.NONCE_HEADER, "XYZ",
                SignedRequest.SIGNATURE_HEADER, "0x00");
        for (Map.Entry<String, String> e : bad.entrySet()) {
            Map<String, String> h = new HashMap<>(good);
            h.put(e.getKey(), e.getValue());
            assertEquals(AuthFailure.MALFORMED_HEADER, failure(() -> verify(verifier, "GET", "/x", h, NONE)), e.getKey());
        }
    }

    @Test
    void refusesHotkeysTheAuthorizerDeniesWithForbidden() {
        HotkeyAuthorizer onlyBob = hk -> hk.equals(BOB.ss58Address()) ? Optional.empty() : Optional.of("only Bob");
        Map<String, String> h = alice.headers("GET", HOST, "/x", NONE);
        RequestAuthException e = assertThrows(RequestAuthException.class,
                () -> verifier.verify("GET", HOST, "/x", h::get, NONE, onlyBob));
        assertEquals(AuthFailure.FORBIDDEN, e.failure());
        assertEquals(403, e.httpStatus());
        assertEquals("only Bob", e.getMessage());
        Map<String, String> hb = new RequestSigner(BOB, NETUID, clientClock).headers("GET", HOST, "/x", NONE);
        assertEquals(BOB.ss58Address(), verifier.verify("GET", HOST, "/x", hb::get, NONE, onlyBob));
    }
}
