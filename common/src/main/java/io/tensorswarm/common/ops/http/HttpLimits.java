package io.tensorswarm.common.ops.http;

import java.time.Duration;
import java.util.Objects;

/**
 * What a {@link GuardedHttpServer} lets callers take: connections in all and per client address,
 * how long a connection may take to send a request's headers and how long a request may run,
 * header sizes and counts, requests per second per address, and the worker threads (whose queue
 * the connection limits bound: a connection has at most one task waiting). Immutable; build with
 * {@link #builder()} or start from {@link #api()} or {@link #ops()}.
 *
 * <pre>{@code
 * HttpLimits limits = HttpLimits.api().toBuilder().optRequestsPerSecondPerAddress(50).build();
 * }</pre>
 */
public final class HttpLimits {
    private final int maxConnections;
    private final int maxConnectionsPerAddress;
    private final Duration headerTimeout;
    private final Duration requestTimeout;
    private final Duration idleTimeout;
    private final int maxHeaderBytes;
    private final int maxHeaders;
    private final double requestsPerSecondPerAddress;
    private final int burstPerAddress;
    private final int maxTrackedAddresses;
    private final int threads;

    private HttpLimits(Builder b) {
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerAddress = b.maxConnectionsPerAddress;
        this.headerTimeout = b.headerTimeout;
        this.requestTimeout = b.requestTimeout;
        this.idleTimeout = b.idleTimeout;
        this.maxHeaderBytes = b.maxHeaderBytes;
        this.maxHeaders = b.maxHeaders;
        this.requestsPerSecondPerAddress = b.requestsPerSecondPerAddress;
        this.burstPerAddress = b.burstPerAddress;
        this.maxTrackedAddresses = b.maxTrackedAddresses;
        this.threads = b.threads;
    }

    /**
     * Limits of a public API such as the orchestrator's: 1024 connections, 64 per address, 10 s to
     * send the headers (and between two requests on a kept-alive connection), 30 s per request, 8 KiB
     * and 64 headers, 200 requests/s per address (bursts of 400), 16 threads.
     */
    public static HttpLimits api() {
        return builder().build();
    }

    /**
     * Limits of a daemon's operator port ({@code /metrics}, {@code /health}): 64 connections, 8 per
     * address, 5 s to send the headers, 10 s per request, 8 KiB and 64 headers, 50 requests/s per
     * address (bursts of 100), 4 threads.
     */
    public static HttpLimits ops() {
        return builder().optMaxConnections(64).optMaxConnectionsPerAddress(8).optHeaderTimeout(Duration.ofSeconds(5))
                .optRequestTimeout(Duration.ofSeconds(10)).optIdleTimeout(Duration.ofSeconds(10))
                .optRequestsPerSecondPerAddress(50).optBurstPerAddress(100).optMaxTrackedAddresses(1024)
                .optThreads(4).build();
    }

    /** Returns a builder with the {@link #api()} values. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns a builder holding these values. */
    public Builder toBuilder() {
        return new Builder().optMaxConnections(maxConnections).optMaxConnectionsPerAddress(maxConnectionsPerAddress)
                .optHeaderTimeout(headerTimeout).optRequestTimeout(requestTimeout).optIdleTimeout(idleTimeout)
                .optMaxHeaderBytes(maxHeaderBytes).optMaxHeaders(maxHeaders)
                .optRequestsPerSecondPerAddress(requestsPerSecondPerAddress).optBurstPerAddress(burstPerAddress)
                .optMaxTrackedAddresses(maxTrackedAddresses).optThreads(threads);
    }

    /** Open connections in all; beyond that the server stops accepting until one closes. */
    public int maxConnections() {
        return maxConnections;
    }

    /** Open connections from one client address; more are closed as soon as they open. */
    public int maxConnectionsPerAddress() {
        return maxConnectionsPerAddress;
    }

    /** Longest time a connection may go without a complete request head while no request runs on it. */
    public Duration headerTimeout() {
        return headerTimeout;
    }

    /** Longest time one request may run, from its complete head to its last response byte. */
    public Duration requestTimeout() {
        return requestTimeout;
    }

    /** Longest time without any byte read or written. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Largest request head (request line and headers) in bytes; larger ones get 431. */
    public int maxHeaderBytes() {
        return maxHeaderBytes;
    }

    /** Most header lines in one request; more get 431. */
    public int maxHeaders() {
        return maxHeaders;
    }

    /** Sustained requests per second one client address may make; more get 429. */
    public double requestsPerSecondPerAddress() {
        return requestsPerSecondPerAddress;
    }

    /** Requests one client address may make at once before the per-second rate applies. */
    public int burstPerAddress() {
        return burstPerAddress;
    }

    /** Client addresses whose request rate is tracked at once; beyond that they share one budget. */
    public int maxTrackedAddresses() {
        return maxTrackedAddresses;
    }

    /** Threads handling requests. */
    public int threads() {
        return threads;
    }

    @Override
    public String toString() {
        return "HttpLimits[connections=" + maxConnections + ", perAddress=" + maxConnectionsPerAddress
                + ", headerTimeout=" + headerTimeout + ", requestTimeout=" + requestTimeout + ", idleTimeout="
                + idleTimeout + ", headerBytes=" + maxHeaderBytes + ", headers=" + maxHeaders + ", rate="
                + requestsPerSecondPerAddress + "/s, burst=" + burstPerAddress + ", threads=" + threads + "]";
    }

    /** Builds {@link HttpLimits}; starts from the {@link #api()} values. */
    public static final class Builder {
        private int maxConnections = 1024;
        private int maxConnectionsPerAddress = 64;
        private Duration headerTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private Duration idleTimeout = Duration.ofSeconds(30);
        private int maxHeaderBytes = 8192;
        private int maxHeaders = 64;
        private double requestsPerSecondPerAddress = 200;
        private int burstPerAddress = 400;
        private int maxTrackedAddresses = 16_384;
        private int threads = 16;

        private Builder() {}

        public Builder optMaxConnections(int n) {
            this.maxConnections = n;
            return this;
        }

        public Builder optMaxConnectionsPerAddress(int n) {
            this.maxConnectionsPerAddress = n;
            return this;
        }

        public Builder optHeaderTimeout(Duration d) {
            this.headerTimeout = Objects.requireNonNull(d, "headerTimeout");
            return this;
        }

        public Builder optRequestTimeout(Duration d) {
            this.requestTimeout = Objects.requireNonNull(d, "requestTimeout");
            return this;
        }

        public Builder optIdleTimeout(Duration d) {
            this.idleTimeout = Objects.requireNonNull(d, "idleTimeout");
            return this;
        }

        public Builder optMaxHeaderBytes(int n) {
            this.maxHeaderBytes = n;
            return this;
        }

        public Builder optMaxHeaders(int n) {
            this.maxHeaders = n;
            return this;
        }

        public Builder optRequestsPerSecondPerAddress(double rate) {
            this.requestsPerSecondPerAddress = rate;
            return this;
        }

        public Builder optBurstPerAddress(int n) {
            this.burstPerAddress = n;
            return this;
        }

        public Builder optMaxTrackedAddresses(int n) {
            this.maxTrackedAddresses = n;
            return this;
        }

        public Builder optThreads(int n) {
            this.threads = n;
            return this;
        }

        /**
         * Returns the limits.
         *
         * @throws IllegalArgumentException when a count is below 1 or a duration is not positive
         */
        public HttpLimits build() {
            if (maxConnections < 1 || maxConnectionsPerAddress < 1 || maxHeaders < 1 || burstPerAddress < 1
                    || maxTrackedAddresses < 1 || threads < 1 || maxHeaderBytes < 1024) {
                throw new IllegalArgumentException("HTTP limits must be at least 1 (header bytes at least 1024): "
                        + new HttpLimits(this));
            }
            if (!(requestsPerSecondPerAddress > 0) || Double.isInfinite(requestsPerSecondPerAddress)) {
                throw new IllegalArgumentException("requests per second per address must be positive and finite, got "
                        + requestsPerSecondPerAddress);
            }
            for (Duration d : new Duration[] {headerTimeout, requestTimeout, idleTimeout}) {
                if (d.isNegative() || d.isZero()) {
                    throw new IllegalArgumentException("HTTP timeouts must be positive: " + new HttpLimits(this));
                }
            }
            return new HttpLimits(this);
        }
    }
}
