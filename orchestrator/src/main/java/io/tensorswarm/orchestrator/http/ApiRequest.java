package io.tensorswarm.orchestrator.http;

import java.util.Map;
import java.util.Optional;

/**
 * A request as an endpoint sees it: the size cap and, for signed endpoints, the signature are
 * already checked.
 *
 * @param method the HTTP method
 * @param path the decoded path
 * @param query the decoded query parameters (each key once)
 * @param body the body bytes, empty for none
 * @param caller the verified hotkey (SS58) of a signed endpoint, null on unsigned ones
 */
public record ApiRequest(String method, String path, Map<String, String> query, byte[] body, String caller) {
    public ApiRequest {
        query = Map.copyOf(query);
    }

    /** Returns the query parameter {@code name}, if present. */
    public Optional<String> param(String name) {
        return Optional.ofNullable(query.get(name));
    }
}
