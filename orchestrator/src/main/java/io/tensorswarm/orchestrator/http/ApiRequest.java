package io.tensorswarm.orchestrator.http;

import io.tensorswarm.chain.auth.VerifiedRequest;
import java.util.Map;
import java.util.Optional;

/**
 * A request as an endpoint sees it: the size cap and, for signed endpoints, the signature are
 * already checked, but the signature's nonce is not yet remembered: a signed endpoint validates the
 * request, then calls {@link #admit()} before acting on it, so a request it refuses leaves nothing
 * behind.
 *
 * @param method the HTTP method
 * @param path the decoded path
 * @param query the decoded query parameters (each key once)
 * @param body the body bytes, empty for none
 * @param signed the checked signature of a signed endpoint, null on unsigned ones
 */
public record ApiRequest(String method, String path, Map<String, String> query, byte[] body, VerifiedRequest signed) {
    public ApiRequest {
        query = Map.copyOf(query);
    }

    /** Returns the query parameter {@code name}, if present. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }

    /** Returns the verified hotkey (SS58) of a signed endpoint, null on unsigned ones. */
    public String caller() {
        return signed == null ? null : signed.hotkey();
    }

    /**
     * Remembers the signature's nonce (a no-op on unsigned endpoints): from now on the same request
     * is a replay. Call it once the request is known to be valid, before acting on it.
     *
     * @throws io.tensorswarm.chain.auth.RequestAuthException when the request was admitted meanwhile
     *     (a replay) or its hotkey has used up its share of nonces
     */
    public void admit() {
        if (signed != null) {
            signed.claimNonce();
        }
    }
}
