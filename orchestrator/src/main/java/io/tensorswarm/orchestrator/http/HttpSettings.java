package io.tensorswarm.orchestrator.http;

/**
 * How the orchestrator's HTTP server listens and what it accepts. Immutable; derive variants with
 * the {@code withX} methods.
 *
 * @param host address to bind (default 127.0.0.1)
 * @param port TCP port; 0 picks a free one (default 8484)
 * @param threads request-handling threads (default 8)
 * @param queueCapacity requests waiting for a thread before the accepting thread runs them itself,
 *     which slows accepting (default 64)
 * @param maxBodyBytes largest request body accepted; larger ones get 413 (default 16 KiB)
 * @param stopGraceSeconds how long {@code close()} lets running requests finish (default 1)
 */
public record HttpSettings(String host, int port, int threads, int queueCapacity, int maxBodyBytes, int stopGraceSeconds) {
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
        if (threads < 1 || queueCapacity < 1 || maxBodyBytes < 0 || stopGraceSeconds < 0) {
            throw new IllegalArgumentException("need threads >= 1, queueCapacity >= 1, maxBodyBytes >= 0 and "
                    + "stopGraceSeconds >= 0, got " + threads + ", " + queueCapacity + ", " + maxBodyBytes + ", "
                    + stopGraceSeconds);
        }
    }

    /** Returns the defaults listed on each component. */
    public static HttpSettings defaults() {
        return new HttpSettings("127.0.0.1", DEFAULT_PORT, 8, 64, 16 * 1024, 1);
    }

    /** Returns a copy with {@code host} and {@code port} replaced. */
    public HttpSettings withAddress(String newHost, int newPort) {
        return new HttpSettings(newHost, newPort, threads, queueCapacity, maxBodyBytes, stopGraceSeconds);
    }

    /** Returns a copy with {@code maxBodyBytes} replaced. */
    public HttpSettings withMaxBodyBytes(int value) {
        return new HttpSettings(host, port, threads, queueCapacity, value, stopGraceSeconds);
    }

    /** Returns a copy with {@code stopGraceSeconds} replaced. */
    public HttpSettings withStopGraceSeconds(int value) {
        return new HttpSettings(host, port, threads, queueCapacity, maxBodyBytes, value);
    }
}
