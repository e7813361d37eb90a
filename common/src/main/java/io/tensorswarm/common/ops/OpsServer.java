package io.tensorswarm.common.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.prometheus.metrics.exporter.httpserver.MetricsHandler;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint of a daemon: {@code GET /metrics} (Prometheus text or OpenMetrics,
 * served by the Prometheus client's own handler) and {@code GET /health} (JSON; 200 when healthy,
 * 503 when stalled or stopping). Two daemon threads; binding failures are reported at start.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpServer server;
    private final ExecutorService executor;

    private OpsServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound, e.g. the port is taken
     */
    public static OpsServer start(String host, int port, DaemonMetrics metrics) {
        HttpServer server;
        try {
            server = HttpServer.create(new InetSocketAddress(host, port), 16);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": " + e.getMessage(), e);
        }
        ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
            Thread t = new Thread(r, "ops-http");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(executor);
        server.createContext("/metrics", new MetricsHandler(metrics.registry()));
        server.createContext("/health", exchange -> health(exchange, metrics.health()));
        server.createContext("/", OpsServer::index);
        server.start();
        OpsServer ops = new OpsServer(server, executor);
        log.info("metrics on http://{}:{}/metrics, health on /health", host, ops.port());
        return ops;
    }

    public int port() {
        return server.getAddress().getPort();
    }

    private static void health(HttpExchange exchange, Health health) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
                send(exchange, 405, "text/plain", "GET only\n");
                return;
            }
            Health.Verdict verdict = health.check();
            send(exchange, verdict.healthy() ? 200 : 503, "application/json",
                    JSON.writeValueAsString(verdict.fields()) + "\n");
        }
    }

    private static void index(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"/".equals(exchange.getRequestURI().getPath())) {
                send(exchange, 404, "text/plain", "not found; try /metrics or /health\n");
                return;
            }
            send(exchange, 200, "text/plain", "tensorswarm: /metrics (Prometheus), /health (JSON)\n");
        }
    }

    private static void send(HttpExchange exchange, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", type + "; charset=utf-8");
        boolean head = "HEAD".equals(exchange.getRequestMethod());
        exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
        if (!head) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
