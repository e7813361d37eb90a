package io.tensorswarm.common.ops;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.prometheus.metrics.exporter.common.PrometheusScrapeHandler;
import io.tensorswarm.common.ops.http.GuardedHttpServer;
import io.tensorswarm.common.ops.http.HttpLimits;
import io.tensorswarm.common.ops.http.HttpReply;
import io.tensorswarm.common.ops.http.ScrapeExchange;
import java.io.UncheckedIOException;
import java.util.Map;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operator's HTTP endpoint of a daemon: {@code GET /metrics} (Prometheus text or OpenMetrics,
 * negotiated by the Prometheus client's own scrape handler) and {@code GET /health} (JSON; 200 when
 * healthy, 503 when stalled or stopping). A {@link GuardedHttpServer} with {@link HttpLimits#ops()}
 * and threads of its own: slow or idle connections, floods from one address and oversized requests
 * are bounded in count and time, so neither the daemon's API nor any caller can keep {@code /health}
 * and {@code /metrics} from answering. Each refusal counts in {@code tensorswarm_errors_total{kind}}
 * ({@code http_<kind>}). Binding failures are reported at start.
 */
public final class OpsServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OpsServer.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final GuardedHttpServer server;

    private OpsServer(GuardedHttpServer server) {
        this.server = server;
    }

    /**
     * Binds {@code host:port} (port 0 picks a free one) with {@link HttpLimits#ops()} and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound, e.g. the port is taken
     */
    public static OpsServer start(String host, int port, DaemonMetrics metrics) {
        return start(host, port, metrics, HttpLimits.ops());
    }

    /**
     * Binds {@code host:port} with {@code limits} and starts serving.
     *
     * @throws UncheckedIOException when the address cannot be bound, e.g. the port is taken
     */
    public static OpsServer start(String host, int port, DaemonMetrics metrics, HttpLimits limits) {
        GuardedHttpServer server;
        try {
            server = GuardedHttpServer.builder().setName("ops").setAddress(host, port).optLimits(limits)
                    .setHandler(new OpsHandler(metrics)).optStopGraceMillis(0)
                    .optEvents(kind -> metrics.error("http_" + kind)).build().start();
        } catch (UncheckedIOException e) {
            throw new UncheckedIOException("cannot serve metrics on " + host + ":" + port + ": "
                    + e.getCause().getMessage(), e.getCause());
        }
        OpsServer ops = new OpsServer(server);
        log.info("metrics on http://{}:{}/metrics, health on /health", host, ops.port());
        return ops;
    }

    public int port() {
        return server.port();
    }

    @Override
    public void close() {
        server.close();
    }

    /** Routes {@code /metrics}, {@code /health} and {@code /}. */
    private static final class OpsHandler extends Handler.Abstract {
        private final DaemonMetrics metrics;
        private final PrometheusScrapeHandler scrape;

        OpsHandler(DaemonMetrics metrics) {
            this.metrics = metrics;
            this.scrape = new PrometheusScrapeHandler(metrics.registry());
        }

        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            String path = request.getHttpURI().getPath();
            String method = request.getMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                response.getHeaders().put("Allow", "GET, HEAD");
                HttpReply.text(request, response, callback, 405, "GET only");
                return true;
            }
            switch (path == null ? "" : path) {
                case "/metrics" -> metrics(request, response, callback);
                case "/health" -> {
                    Health.Verdict verdict = metrics.health().check();
                    HttpReply.send(request, response, callback, verdict.healthy() ? 200 : 503,
                            "application/json; charset=utf-8",
                            (JSON.writeValueAsString(verdict.fields()) + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                            Map.of("Cache-Control", "no-store"));
                }
                case "/" -> HttpReply.text(request, response, callback, 200,
                        "tensorswarm: /metrics (Prometheus), /health (JSON)");
                default -> HttpReply.text(request, response, callback, 404, "not found; try /metrics or /health");
            }
            return true;
        }

        private void metrics(Request request, Response response, Callback callback) throws Exception {
            ScrapeExchange exchange = new ScrapeExchange(request);
            scrape.handleRequest(exchange);
            HttpReply.send(request, response, callback, exchange.status(),
                    exchange.headers().getOrDefault("Content-Type", "text/plain; charset=utf-8"), exchange.body(),
                    without(exchange.headers(), "Content-Type", "Content-Length"));
        }

        private static Map<String, String> without(Map<String, String> headers, String... names) {
            Map<String, String> out = new java.util.LinkedHashMap<>(headers);
            for (String n : names) {
                out.remove(n);
            }
            return out;
        }
    }
}
