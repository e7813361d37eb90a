package io.tensorswarm.orchestrator.http;

/**
 * Answers one API path: returns the value to send as JSON with status 200, or throws an {@link
 * ApiException} (or another typed error the server maps to a status). Must be safe for concurrent use.
 */
@FunctionalInterface
public interface Endpoint {
    /** Returns the response body, serialized to JSON by the server. */
    Object handle(ApiRequest request);

    /**
     * Refuses a request whose content is invalid whoever signed it, before its signature is checked
     * (a request without a {@link ApiRequest#signed()} is passed): a flood of malformed bodies then
     * costs a parse, not a signature verification. By default nothing is refused here.
     */
    default void precheck(ApiRequest unsigned) {
    }
}
