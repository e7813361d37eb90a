package io.tensorswarm.common.ops.http;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.NetworkConnectionLimit;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A Jetty HTTP/1.1 server that no caller can hog: reading requests and writing responses never
 * holds a thread (Jetty's selector does the I/O), and {@link HttpLimits} bound everything a caller
 * can take, in count and in time: connections in all and per client address, the time to send a
 * request head and the time a request may run ({@link ConnectionGuard}), head size and header
 * count, requests per second per address ({@link AddressRateLimiter}), and the worker threads. Each server has its own threads, so one server's load never blocks another's.
 * Parsing is Jetty's strict RFC 9110 mode (duplicate or malformed {@code Content-Length}, {@code
 * Transfer-Encoding} with {@code Content-Length}, ambiguous paths: 400), error pages carry no
 * stack traces, and the server sends no version header.
 *
 * <p>Refusals are reported to the events consumer by kind ({@code connection_limited}, {@code
 * header_timeout}, {@code request_timeout}, {@code rate_limited}, {@code too_many_headers}), for
 * a daemon to count.
 *
 * <pre>{@code
 * try (GuardedHttpServer server = GuardedHttpServer.builder().setName("ops").setAddress("127.0.0.1", 0)
 *         .setHandler(handler).optLimits(HttpLimits.ops()).optEvents(kind -> metrics.error(kind))
 *         .build().start()) {
 *     int port = server.port();
 * }
 * }</pre>
 */
public final class GuardedHttpServer implements AutoCloseable {
    private final String name;
    private final String host;
    private final HttpLimits limits;
    private final Server server;
    private final ServerConnector connector;
    private final ConnectionGuard guard;
    private boolean started;

    private GuardedHttpServer(Builder b) {
        this.name = b.name;
        this.host = b.host;
        this.limits = b.limits;
        QueuedThreadPool pool = new QueuedThreadPool(limits.threads() + 2, Math.min(4, limits.threads() + 2));
        pool.setName(b.name + "-http");
        pool.setDaemon(true);
        pool.setReservedThreads(0);
        server = new Server(pool);
        HttpConfiguration config = new HttpConfiguration();
        config.setSendServerVersion(false);
        config.setSendXPoweredBy(false);
        config.setRequestHeaderSize(limits.maxHeaderBytes());
        config.setResponseHeaderSize(8192);
        config.setHttpCompliance(HttpCompliance.RFC9110);
        config.setUriCompliance(UriCompliance.DEFAULT);
        config.setIdleTimeout(limits.idleTimeout().toMillis());
        connector = new ServerConnector(server, 1, 1, new HttpConnectionFactory(config));
        connector.setHost(b.host);
        connector.setPort(b.port);
        connector.setIdleTimeout(limits.idleTimeout().toMillis());
        connector.setAcceptQueueSize(1024);
        connector.setAcceptedTcpNoDelay(true);
        guard = new ConnectionGuard(limits, b.events, System::nanoTime, b.name);
        connector.addBean(guard);
        server.addConnector(connector);
        server.addBean(new NetworkConnectionLimit(limits.maxConnections(), connector));
        AddressRateLimiter limiter = new AddressRateLimiter(limits.requestsPerSecondPerAddress(),
                limits.burstPerAddress(), limits.maxTrackedAddresses(), System::nanoTime);
        GracefulHandler graceful = new GracefulHandler(new GuardHandler(b.handler, guard, limiter, limits, b.events,
                b.refusals));
        server.setHandler(graceful);
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        errors.setShowCauses(false);
        errors.setShowMessageInTitle(false);
        errors.setShowOrigin(false);
        errors.setDefaultResponseMimeType("text/plain");
        server.setErrorHandler(errors);
        server.setStopTimeout(b.stopGraceMillis);
    }

    /** Returns a builder; the name, address and handler are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the address and starts serving; returns this.
     *
     * @throws UncheckedIOException when the address cannot be bound, e.g. the port is taken
     * @throws IllegalStateException when started twice
     */
    public synchronized GuardedHttpServer start() {
        if (started) {
            throw new IllegalStateException(name + " server already started");
        }
        try {
            server.start();
        } catch (IOException e) {
            stopQuietly();
            throw new UncheckedIOException("cannot listen on " + host + ":" + connector.getPort() + ": "
                    + e.getMessage(), e);
        } catch (Exception e) {
            stopQuietly();
            Throwable cause = e.getCause() instanceof IOException io ? io : e;
            throw new UncheckedIOException("cannot listen on " + host + ":" + connector.getPort() + ": "
                    + cause.getMessage(), cause instanceof IOException io ? io : new IOException(cause));
        }
        started = true;
        return this;
    }

    /** Returns the bound port. */
    public int port() {
        return connector.getLocalPort();
    }

    /** Returns the address bound. */
    public String host() {
        return host;
    }

    /** Returns the limits in force. */
    public HttpLimits limits() {
        return limits;
    }

    /** Returns the connections open now. */
    public int openConnections() {
        return guard.openConnections();
    }

    /** Stops accepting, lets running requests finish for up to the stop grace, then closes every connection. Idempotent. */
    @Override
    public synchronized void close() {
        stopQuietly();
        guard.close();
    }

    private void stopQuietly() {
        try {
            server.stop();
        } catch (Exception e) {
            // stopping is best effort: the threads are daemons
        }
    }

    /** Marks requests on their connection, refuses too many headers and too many requests per address, then delegates. */
    private static final class GuardHandler extends Handler.Wrapper {
        private final ConnectionGuard guard;
        private final AddressRateLimiter limiter;
        private final int maxHeaders;
        private final Consumer<String> events;
        private final RefusalBody refusals;

        GuardHandler(Handler handler, ConnectionGuard guard, AddressRateLimiter limiter, HttpLimits limits,
                Consumer<String> events, RefusalBody refusals) {
            super(handler);
            this.guard = guard;
            this.limiter = limiter;
            this.maxHeaders = limits.maxHeaders();
            this.events = events;
            this.refusals = refusals;
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            ConnectionGuard.Tracked tracked = guard.requestStarted(request);
            Callback done = new Callback() {
                @Override
                public void succeeded() {
                    guard.requestEnded(tracked);
                    callback.succeeded();
                }

                @Override
                public void failed(Throwable x) {
                    guard.requestEnded(tracked);
                    callback.failed(x);
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            };
            if (request.getHeaders().size() > maxHeaders) {
                events.accept("too_many_headers");
                refuse(request, response, done, 431, "more than " + maxHeaders + " request headers");
                return true;
            }
            String address = tracked != null ? tracked.address()
                    : ConnectionGuard.addressOf(request.getConnectionMetaData().getRemoteSocketAddress());
            if (!limiter.tryAcquire(address)) {
                events.accept("rate_limited");
                response.getHeaders().put("Retry-After", "1");
                refuse(request, response, done, 429, "too many requests from " + address + "; retry later");
                return true;
            }
            if (!super.handle(request, response, done)) {
                refuse(request, response, done, 404, "not found");
            }
            return true;
        }

        private void refuse(Request request, Response response, Callback callback, int status, String reason) {
            HttpReply.send(request, response, callback, status, refusals.contentType(), refusals.body(status, reason),
                    Map.of("Cache-Control", "no-store"));
        }
    }

    /** Configures a {@link GuardedHttpServer}. */
    public static final class Builder {
        private String name;
        private String host;
        private int port = -1;
        private Handler handler;
        private HttpLimits limits = HttpLimits.api();
        private Consumer<String> events = kind -> { };
        private RefusalBody refusals = RefusalBody.TEXT;
        private long stopGraceMillis = 1000;

        private Builder() {}

        /** Names the server's threads (required), e.g. {@code ops} or {@code orchestrator}. */
        public Builder setName(String name) {
            this.name = name;
            return this;
        }

        /** Sets the address to bind (required); port 0 picks a free one. */
        public Builder setAddress(String host, int port) {
            this.host = host;
            this.port = port;
            return this;
        }

        /** Sets what answers requests (required); requests it does not handle get 404. */
        public Builder setHandler(Handler handler) {
            this.handler = handler;
            return this;
        }

        /** Sets the limits (default {@link HttpLimits#api()}). */
        public Builder optLimits(HttpLimits limits) {
            this.limits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /** Sets who hears of each refusal, by kind (default: nobody). Must be fast and must not throw. */
        public Builder optEvents(Consumer<String> events) {
            this.events = Objects.requireNonNull(events, "events");
            return this;
        }

        /** Sets how the guard's own refusals are worded (default {@link RefusalBody#TEXT}). */
        public Builder optRefusalBody(RefusalBody refusals) {
            this.refusals = Objects.requireNonNull(refusals, "refusals");
            return this;
        }

        /** Sets how long {@link #close()} lets running requests finish (default 1000 ms). */
        public Builder optStopGraceMillis(long millis) {
            this.stopGraceMillis = millis;
            return this;
        }

        /** Returns the server, not yet started. */
        public GuardedHttpServer build() {
            if (name == null || name.isBlank() || host == null || host.isBlank() || handler == null) {
                throw new IllegalArgumentException("You must specify the name, the address and the handler");
            }
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port must be in [0, 65535], got " + port);
            }
            if (stopGraceMillis < 0) {
                throw new IllegalArgumentException("stop grace must not be negative, got " + stopGraceMillis);
            }
            return new GuardedHttpServer(this);
        }
    }
}
