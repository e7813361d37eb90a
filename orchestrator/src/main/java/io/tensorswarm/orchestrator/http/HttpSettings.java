package io.tensorswarm.orchestrator.http;

import io.tensorswarm.common.ops.http.HttpLimits;
import java.util.List;
import java.util.Objects;

/**
 * How the orchestrator's HTTP server listens, what it accepts, and the host names signed requests
 * may name. Immutable; derive variants with the {@code withX} methods.
 *
 * @param host address to bind (default 127.0.0.1)
 * @param port TCP port; 0 picks a free one (default 8484)
 * @param maxBodyBytes largest request body accepted; larger ones get 413 (default 16 KiB)
 * @param stopGraceSeconds how long {@code close()} lets running requests finish (default 1)
 * @param limits connections, timeouts, header and rate limits (default {@link HttpLimits#api()})
 * @param publicHosts the {@code Host} values clients reach this server by, e.g. {@code
 *     orch.example.com} behind a proxy; empty (the default) means the bound address and port, plus
 *     {@code localhost} names when that is a loopback or wildcard address, plus every local interface
 *     address when it is a wildcard
 */
public record HttpSettings(String host, int port, int maxBodyBytes, int stopGraceSeconds, HttpLimits limits,
        List<String> publicHosts) {
    /** The default port. */
    public static final int DEFAULT_PORT = 8484;

    /** Throws {@link IllegalArgumentException} on values the server cannot use. */
    public HttpSettings {
        if (host == null || host.isBlank()) {
            throw new IllegalArgumentException("host must not be blank");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
        }
        if (maxBodyBytes < 0 || stopGraceSeconds < 0) {
            throw new IllegalArgumentException("need maxBodyBytes >= 0 and stopGraceSeconds >= 0, got " + maxBodyBytes
                    + " and " + stopGraceSeconds);
        }
        Objects.requireNonNull(limits, "limits");
        publicHosts = List.copyOf(publicHosts);
        for (String h : publicHosts) {
            if (h.isBlank() || h.chars().anyMatch(c -> c <= 0x20 || c >= 0x7f || c == '/')) {
                throw new IllegalArgumentException("public host must be host or host:port, got '" + h + "'");
            }
        }
    }

    /** Returns the defaults listed on each component. */
    public static HttpSettings defaults() {
        return new HttpSettings("127.0.0.1", DEFAULT_PORT, 16 * 1024, 1, HttpLimits.api(), List.of());
    }

    /** Returns a copy with {@code host} and {@code port} replaced. */
    public HttpSettings withAddress(String newHost, int newPort) {
        return new HttpSettings(newHost, newPort, maxBodyBytes, stopGraceSeconds, limits, publicHosts);
    }

    /** Returns a copy with {@code maxBodyBytes} replaced. */
    public HttpSettings withMaxBodyBytes(int value) {
        return new HttpSettings(host, port, value, stopGraceSeconds, limits, publicHosts);
    }

    /** Returns a copy with {@code stopGraceSeconds} replaced. */
    public HttpSettings withStopGraceSeconds(int value) {
        return new HttpSettings(host, port, maxBodyBytes, value, limits, publicHosts);
    }

    /** Returns a copy with {@code limits} replaced. */
    public HttpSettings withLimits(HttpLimits value) {
        return new HttpSettings(host, port, maxBodyBytes, stopGraceSeconds, value, publicHosts);
    }

    /** Returns a copy with {@code publicHosts} replaced. */
    public HttpSettings withPublicHosts(List<String> value) {
        return new HttpSettings(host, port, maxBodyBytes, stopGraceSeconds, limits, value);
    }
}
