package io.tensorswarm.orchestrator.http;

import io.tensorswarm.common.ops.http.HttpReply;
import io.tensorswarm.orchestrator.dashboard.DashboardPage;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Serves the dashboard page at {@code /} and {@code /dashboard} (GET and HEAD) with the headers of
 * {@link DashboardPage#headers()}: a content security policy that runs only the page's own inline
 * script and style and lets it fetch only from this server, no sniffing, no framing.
 */
final class PageHandler {
    private final OrchestratorMetrics metrics;
    private final byte[] page = DashboardPage.html();

    PageHandler(OrchestratorMetrics metrics) {
        this.metrics = metrics;
    }

    void serve(Request request, Response response, Callback callback) {
        String method = request.getMethod();
        if (!"GET".equals(method) && !"HEAD".equals(method)) {
            response.getHeaders().put(HttpHeader.ALLOW, "GET, HEAD");
            metrics.request("/dashboard", 405);
            ApiResponses.error(request, response, callback, 405, request.getHttpURI().getPath() + " accepts GET only");
            return;
        }
        metrics.request("/dashboard", 200);
        HttpReply.send(request, response, callback, 200, "text/html; charset=utf-8", page, DashboardPage.headers());
    }
}
