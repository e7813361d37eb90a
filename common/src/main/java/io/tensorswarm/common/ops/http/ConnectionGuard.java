package io.tensorswarm.common.ops.http;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.Request;

/**
 * Bounds what connections may hold, whatever they send: at most {@code maxPerAddress} open
 * connections per client address (more are closed as they open), and deadlines the server's idle
 * timeout cannot give, since a client sending one byte now and then is never idle: a connection
 * with no request running is closed {@code headerTimeout} after it opened or after its last
 * response (a slowloris that never finishes its headers, or a kept-alive connection left unused),
 * and a request still running after {@code requestTimeout} has its connection closed (a body sent
 * byte by byte, a response never read). A sweep four times a second enforces the deadlines.
 *
 * <p>Each refusal is reported to {@code events} by kind: {@code connection_limited}, {@code
 * header_timeout}, {@code request_timeout}. Register it on a connector with {@code
 * connector.addBean(guard)}; {@link GuardedHttpServer} does.
 */
final class ConnectionGuard implements Connection.Listener, AutoCloseable {
    /** What the guard knows of one open connection. */
    static final class Tracked {
        private final Connection connection;
        private final String address;
        private volatile boolean busy;
        private volatile boolean closing;
        private volatile long sinceNanos;

        Tracked(Connection connection, String address, long now) {
            this.connection = connection;
            this.address = address;
            this.sinceNanos = now;
        }

        String address() {
            return address;
        }
    }

    private final int maxPerAddress;
    private final long headerTimeoutNanos;
    private final long requestTimeoutNanos;
    private final Consumer<String> events;
    private final LongSupplier nanoTime;
    private final Map<Connection, Tracked> open = new ConcurrentHashMap<>();
    private final Map<String, Integer> perAddress = new HashMap<>();
    private final ScheduledExecutorService sweeper;

    ConnectionGuard(HttpLimits limits, Consumer<String> events, LongSupplier nanoTime, String name) {
        this.maxPerAddress = limits.maxConnectionsPerAddress();
        this.headerTimeoutNanos = limits.headerTimeout().toNanos();
        this.requestTimeoutNanos = limits.requestTimeout().toNanos();
        this.events = events;
        this.nanoTime = nanoTime;
        this.sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-guard");
            t.setDaemon(true);
            return t;
        });
        sweeper.scheduleWithFixedDelay(this::sweep, 250, 250, TimeUnit.MILLISECONDS);
    }

    @Override
    public void onOpened(Connection connection) {
        String address = addressOf(connection.getEndPoint().getRemoteSocketAddress());
        boolean over;
        synchronized (perAddress) {
            int n = perAddress.merge(address, 1, Integer::sum);
            over = n > maxPerAddress;
        }
        open.put(connection, new Tracked(connection, address, nanoTime.getAsLong()));
        if (over) {
            events.accept("connection_limited");
            connection.getEndPoint().close();
        }
    }

    @Override
    public void onClosed(Connection connection) {
        Tracked t = open.remove(connection);
        if (t == null) {
            return;
        }
        synchronized (perAddress) {
            perAddress.computeIfPresent(t.address, (k, n) -> n <= 1 ? null : n - 1);
        }
    }

    /** Marks the request's connection busy (no header deadline) and returns it, or null when unknown. */
    Tracked requestStarted(Request request) {
        Tracked t = open.get(request.getConnectionMetaData().getConnection());
        if (t != null) {
            t.sinceNanos = nanoTime.getAsLong();
            t.busy = true;
        }
        return t;
    }

    /** Marks the connection idle again: the next request's head must arrive within the header timeout. */
    void requestEnded(Tracked t) {
        if (t != null) {
            t.sinceNanos = nanoTime.getAsLong();
            t.busy = false;
        }
    }

    /** Returns the open connections now. */
    int openConnections() {
        return open.size();
    }

    /** Closes the connections past their deadline; runs on the sweeper thread. */
    void sweep() {
        long now = nanoTime.getAsLong();
        for (Tracked t : open.values()) {
            long age = now - t.sinceNanos;
            if (!t.closing && (t.busy ? age > requestTimeoutNanos : age > headerTimeoutNanos)) {
                t.closing = true;
                events.accept(t.busy ? "request_timeout" : "header_timeout");
                t.connection.getEndPoint().close();
            }
        }
    }

    static String addressOf(SocketAddress socket) {
        if (socket instanceof InetSocketAddress inet && inet.getAddress() != null) {
            return inet.getAddress().getHostAddress();
        }
        return String.valueOf(socket);
    }

    @Override
    public void close() {
        sweeper.shutdownNow();
    }
}
