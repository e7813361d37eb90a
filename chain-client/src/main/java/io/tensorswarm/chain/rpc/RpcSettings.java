package io.tensorswarm.chain.rpc;

import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link WsRpcTransport} connects: the URL, the time to open the socket, the time one call
 * may take, and the reconnect backoff (doubling from {@code initialBackoff} up to {@code
 * maxBackoff}; {@code maxReconnectAttempts} 0 means never give up).
 */
public record RpcSettings(
        String url,
        Duration connectTimeout,
        Duration callTimeout,
        Duration initialBackoff,
        Duration maxBackoff,
        int maxReconnectAttempts) {

    /** Validates the values. */
    public RpcSettings {
        Objects.requireNonNull(url, "url");
        if (!url.startsWith("ws://") && !url.startsWith("wss://")) {
            throw new IllegalArgumentException("RPC url must start with ws:// or wss://, got " + url);
        }
        for (Duration d : new Duration[] {connectTimeout, callTimeout, initialBackoff, maxBackoff}) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException("timeouts and backoff must be positive");
            }
        }
        if (maxReconnectAttempts < 0) {
            throw new IllegalArgumentException("maxReconnectAttempts must be >= 0");
        }
    }

    /** Returns settings with defaults: 10 s connect, 60 s per call, backoff 0.5 s doubling to 30 s, forever. */
    public static RpcSettings of(String url) {
        return new RpcSettings(url, Duration.ofSeconds(10), Duration.ofSeconds(60), Duration.ofMillis(500),
                Duration.ofSeconds(30), 0);
    }

    /** Returns a copy with another per-call timeout. */
    public RpcSettings withCallTimeout(Duration timeout) {
        return new RpcSettings(url, connectTimeout, timeout, initialBackoff, maxBackoff, maxReconnectAttempts);
    }

    /** Returns a copy with another reconnect backoff. */
    public RpcSettings withBackoff(Duration initial, Duration max) {
        return new RpcSettings(url, connectTimeout, callTimeout, initial, max, maxReconnectAttempts);
    }

    /** Returns the backoff before reconnect attempt {@code attempt} (1-based): doubling, capped. */
    public Duration backoff(int attempt) {
        long ms = initialBackoff.toMillis();
        for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) {
            ms *= 2;
        }
        return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
    }
}
