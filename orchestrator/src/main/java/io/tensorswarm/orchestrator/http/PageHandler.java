package io.tensorswarm.orchestrator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tensorswarm.orchestrator.dashboard.DashboardPage;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the dashboard page at {@code /} and {@code /dashboard} (GET and HEAD), with a Content
 * Security Policy that lets the page's inline script and style run and fetch only from this
 * server; answers 404 JSON for every other path no endpoint owns.
 */
final class PageHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(PageHandler.class);
    static final String CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
            + "connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

    private final OrchestratorMetrics metrics;

    PageHandler(OrchestratorMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        if (!"/".equals(path) && !"/dashboard".equals(path)) {
            EndpointHandler.notFound(exchange, metrics);
            return;
        }
        try (exchange) {
            String method = exchange.getRequestMethod();
            if (!"GET".equals(method) && !"HEAD".equals(method)) {
                exchange.getResponseHeaders().set("Allow", "GET, HEAD");
                metrics.request("/dashboard", 405);
                byte[] body = Json.write(Map.of("error", path + " accepts GET only"));
                exchange.getResponseHeaders().set("Content-Type", "application/json");
                exchange.sendResponseHeaders(405, body.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(body);
                }
                return;
            }
            byte[] page = DashboardPage.html();
            exchange.getResponseHeaders().set("Content-Type", "text/html; charset=utf-8");
            exchange.getResponseHeaders().set("Content-Security-Policy", CSP);
            exchange.getResponseHeaders().set("X-Content-Type-Options", "nosniff");
            exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
            exchange.getResponseHeaders().set("Cache-Control", "no-cache");
            metrics.request("/dashboard", 200);
            if ("HEAD".equals(method)) {
                exchange.sendResponseHeaders(200, -1);
                return;
            }
            exchange.sendResponseHeaders(200, page.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(page);
            }
        } catch (IOException e) {
            log.debug("dashboard page: connection failed: {}", e.getMessage());
        }
    }
}
