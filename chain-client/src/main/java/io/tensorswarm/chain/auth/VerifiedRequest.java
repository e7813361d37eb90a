package io.tensorswarm.chain.auth;

/**
 * A signed request whose headers, audience, timestamp and signature checked out and whose hotkey
 * the authorizer allows, but whose nonce is not yet remembered. A server validates the rest of the
 * request (its body) first and calls {@link #claimNonce()} only then, right before acting on it,
 * so a request refused for any reason leaves nothing behind.
 *
 * <pre>{@code
 * VerifiedRequest signed = verifier.check("POST", host, target, headers::get, body, authorizer);
 * Heartbeat heartbeat = Heartbeat.fromJson(body);   // may throw: nothing was stored
 * signed.claimNonce();                               // may throw REPLAYED, RATE_LIMITED, OVERLOADED
 * roster.record(signed.hotkey(), heartbeat);
 * }</pre>
 */
public final class VerifiedRequest {
    private final RequestVerifier verifier;
    private final String hotkey;
    private final long nonceHi;
    private final long nonceLo;
    private boolean claimed;

    VerifiedRequest(RequestVerifier verifier, String hotkey, long nonceHi, long nonceLo) {
        this.verifier = verifier;
        this.hotkey = hotkey;
        this.nonceHi = nonceHi;
        this.nonceLo = nonceLo;
    }

    /** Returns the caller's hotkey (SS58, format 42). */
    public String hotkey() {
        return hotkey;
    }

    /**
     * Remembers the request's nonce, so the same request is refused as a replay from now on.
     * Idempotent.
     *
     * @throws RequestAuthException {@link AuthFailure#REPLAYED} when the same request was claimed
     *     meanwhile, {@link AuthFailure#RATE_LIMITED} when the hotkey holds its whole share of nonces,
     *     {@link AuthFailure#OVERLOADED} when too many hotkeys hold nonces
     */
    public synchronized void claimNonce() {
        if (!claimed) {
            verifier.claim(hotkey, nonceHi, nonceLo);
            claimed = true;
        }
    }

    /** Returns whether {@link #claimNonce()} succeeded. */
    public synchronized boolean claimed() {
        return claimed;
    }
}
