package io.tensorswarm.orchestrator.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.HotkeyAuthorizer;
import io.tensorswarm.chain.auth.RequestAuthException;
import io.tensorswarm.chain.auth.RequestVerifier;
import io.tensorswarm.chain.auth.SignedRequest;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.HeartbeatException;
import io.tensorswarm.orchestrator.round.AssignmentsUnavailableException;
import io.tensorswarm.orchestrator.round.BaseRevisionException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts an {@link Endpoint} to the JDK server: exact path and method match, body size cap, query
 * parsing, signature check for signed endpoints, JSON out, and typed errors mapped to statuses with
 * a one-line {@code {"error":...}} body. Every answer is counted in the {@link OrchestratorMetrics}, and
 * every refusal by its error kind.
 */
final class EndpointHandler implements HttpHandler {
    private static final Logger log = LoggerFactory.getLogger(EndpointHandler.class);
    private static final int MAX_QUERY_PARAMS = 16;

    private final String path;
    private final String method;
    private final Endpoint endpoint;
    private final int maxBodyBytes;
    private final RequestVerifier verifier;
    private final HotkeyAuthorizer authorizer;
    private final OrchestratorMetrics metrics;

    /** An endpoint at {@code path} for {@code method}; signed when {@code verifier} is not null. */
    EndpointHandler(String path, String method, Endpoint endpoint, int maxBodyBytes, RequestVerifier verifier,
            HotkeyAuthorizer authorizer, OrchestratorMetrics metrics) {
        this.metrics = metrics;
        this.path = path;
        this.method = method;
        this.endpoint = endpoint;
        this.maxBodyBytes = maxBodyBytes;
        this.verifier = verifier;
        this.authorizer = authorizer;
    }

    /** Answers 404 for every request; for paths no endpoint owns. */
    static void notFound(HttpExchange exchange, OrchestratorMetrics metrics) throws IOException {
        try {
            metrics.request("other", 404);
            send(exchange, 404, Map.of("error", "no such endpoint: " + printable(exchange.getRequestURI().getRawPath())));
        } finally {
            exchange.close();
        }
    }

    @Override
    public void handle(HttpExchange exchange) {
        try {
            Object response = answer(exchange);
            metrics.request(path, 200);
            send(exchange, 200, response);
        } catch (IOException e) {
            log.debug("{} {}: connection failed: {}", exchange.getRequestMethod(), path, e.getMessage());
        } catch (RuntimeException e) {
            respondToFailure(exchange, e);
        } finally {
            exchange.close();
        }
    }

    private Object answer(HttpExchange exchange) throws IOException {
        URI uri = exchange.getRequestURI();
        if (!path.equals(uri.getPath())) {
            throw new ApiException(404, "no such endpoint: " + printable(uri.getRawPath()));
        }
        if (!method.equals(exchange.getRequestMethod())) {
            exchange.getResponseHeaders().set("Allow", method);
            throw new ApiException(405, path + " accepts " + method + " only");
        }
        byte[] body = readBody(exchange);
        Map<String, String> query = parseQuery(uri.getRawQuery());
        String caller = null;
        if (verifier != null) {
            String target = SignedRequest.target(uri.getRawPath(), uri.getRawQuery());
            caller = verifier.verify(method, target, exchange.getRequestHeaders()::getFirst, body, authorizer);
        }
        return endpoint.handle(new ApiRequest(method, path, query, body, caller));
    }

    private byte[] readBody(HttpExchange exchange) throws IOException {
        String length = exchange.getRequestHeaders().getFirst("Content-Length");
        if (length != null) {
            long declared;
            try {
                declared = Long.parseLong(length.strip());
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("Content-Length is not a number");
            }
            if (declared > maxBodyBytes) {
                throw tooLarge();
            }
        }
        try (InputStream in = exchange.getRequestBody()) {
            byte[] body = in.readNBytes(maxBodyBytes + 1);
            if (body.length > maxBodyBytes) {
                throw tooLarge();
            }
            return body;
        }
    }

    private ApiException tooLarge() {
        return new ApiException(413, "request body is larger than " + maxBodyBytes + " bytes");
    }

    private static Map<String, String> parseQuery(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return out;
        }
        String[] pairs = raw.split("&", -1);
        if (pairs.length > MAX_QUERY_PARAMS) {
            throw ApiException.badRequest("more than " + MAX_QUERY_PARAMS + " query parameters");
        }
        for (String pair : pairs) {
            int eq = pair.indexOf('=');
            String key;
            String value;
            try {
                key = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw ApiException.badRequest("malformed query string");
            }
            if (out.put(key, value) != null) {
                throw ApiException.badRequest("query parameter " + printable(key) + " given twice");
            }
        }
        return out;
    }

    private void respondToFailure(HttpExchange exchange, RuntimeException e) {
        int status;
        String kind;
        String message = e.getMessage();
        if (e instanceof ApiException a) {
            status = a.status();
            kind = switch (status) {
                case 404, 405 -> null;
                case 413 -> "body_too_large";
                case 503 -> "unavailable";
                default -> status >= 500 ? "internal" : "bad_request";
            };
        } else if (e instanceof RequestAuthException a) {
            status = a.httpStatus();
            kind = OrchestratorMetrics.kindOf(a.failure());
        } else if (e instanceof HeartbeatException) {
            status = 400;
            kind = "heartbeat_rejected";
        } else if (e instanceof AssignmentsUnavailableException) {
            status = 503;
            kind = "unavailable";
        } else if (e instanceof BaseRevisionException) {
            status = 503;
            kind = "base_revision";
            message = "base revision unavailable: " + message;
        } else if (e instanceof ChainException) {
            status = 503;
            kind = "chain";
            message = "chain unavailable: " + message;
        } else if (e instanceof TensorswarmException) {
            status = 500;
            kind = "internal";
        } else {
            status = 500;
            kind = "internal";
            message = "internal error";
            log.error("{} {} failed", exchange.getRequestMethod(), path, e);
        }
        metrics.request(path, status);
        if (kind != null) {
            metrics.error(kind);
        }
        if (status >= 500) {
            log.warn("{} {} -> {}: {}", exchange.getRequestMethod(), path, status, message);
        } else {
            log.debug("{} {} -> {}: {}", exchange.getRequestMethod(), path, status, message);
        }
        try {
            send(exchange, status, Map.of("error", message == null ? "error" : message.replace('\n', ' ').replace('\r', ' ')));
        } catch (IOException io) {
            log.debug("{} {}: cannot send the {} response: {}", exchange.getRequestMethod(), path, status, io.getMessage());
        }
    }

    private static void send(HttpExchange exchange, int status, Object value) throws IOException {
        byte[] bytes = Json.write(value);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.getResponseHeaders().set("Cache-Control", "no-store");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static String printable(String s) {
        if (s == null) {
            return "";
        }
        String cut = s.length() > 80 ? s.substring(0, 80) + "…" : s;
        return cut.replaceAll("[\\p{Cntrl}]", "?");
    }
}
