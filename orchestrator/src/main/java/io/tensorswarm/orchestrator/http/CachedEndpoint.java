package io.tensorswarm.orchestrator.http;

import java.time.Clock;
import java.time.Duration;

/**
 * An unsigned endpoint whose answer is computed at most once per {@code maxAge} and served from
 * memory in between, already serialized: a flood of readers costs one computation per period.
 * Errors are not cached. Safe for concurrent use.
 */
final class CachedEndpoint implements Endpoint {
    private final Endpoint endpoint;
    private final long maxAgeMillis;
    private final Clock clock;
    private JsonBytes cached;
    private long computedAt;

    CachedEndpoint(Endpoint endpoint, Duration maxAge, Clock clock) {
        this.endpoint = endpoint;
        this.maxAgeMillis = maxAge.toMillis();
        this.clock = clock;
    }

    @Override
    public synchronized Object handle(ApiRequest request) {
        long now = clock.millis();
        if (cached == null || now - computedAt >= maxAgeMillis || now < computedAt) {
            Object value = endpoint.handle(request);
            cached = value instanceof JsonBytes j ? j : new JsonBytes(Json.write(value));
            computedAt = now;
        }
        return cached;
    }
}
