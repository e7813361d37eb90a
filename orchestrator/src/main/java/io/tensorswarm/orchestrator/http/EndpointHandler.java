package io.tensorswarm.orchestrator.http;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.HotkeyAuthorizer;
import io.tensorswarm.chain.auth.RequestAuthException;
import io.tensorswarm.chain.auth.RequestVerifier;
import io.tensorswarm.chain.auth.SignedRequest;
import io.tensorswarm.chain.auth.VerifiedRequest;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.HeartbeatException;
import io.tensorswarm.orchestrator.round.AssignmentsUnavailableException;
import io.tensorswarm.orchestrator.round.BaseRevisionException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adapts an {@link Endpoint} to the server: method match, body size cap (413 before reading when
 * {@code Content-Length} says so, else while reading), query parsing, signature check for signed
 * endpoints, JSON out, and typed errors mapped to statuses with a one-line {@code {"error":...}}
 * body. The body is read without blocking a thread (a slow sender holds only its connection, until
 * the server's request timeout). Every answer is counted in the {@link OrchestratorMetrics}, and
 * every refusal by its error kind.
 */
final class EndpointHandler {
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

    /** Answers the request, completing {@code callback} when the response is written. */
    void serve(Request request, Response response, Callback callback) {
        try {
            if (!method.equals(request.getMethod())) {
                response.getHeaders().put(HttpHeader.ALLOW, method);
                throw new ApiException(405, path + " accepts " + method + " only");
            }
            long declared = request.getLength();
            if (declared > maxBodyBytes) {
                throw tooLarge();
            }
        } catch (RuntimeException e) {
            fail(request, response, callback, e);
            return;
        }
        CompletableFuture<byte[]> body;
        try {
            body = Content.Source.asByteArrayAsync(request, maxBodyBytes);
        } catch (IllegalStateException | IllegalArgumentException e) {
            body = CompletableFuture.failedFuture(e); // Jetty's "max size exceeded"
        }
        if (body.isDone()) {
            answer(request, response, callback, body);
        } else {
            CompletableFuture<byte[]> read = body;
            read.whenCompleteAsync((bytes, error) -> answer(request, response, callback, read),
                    request.getComponents().getExecutor());
        }
    }

    private void answer(Request request, Response response, Callback callback, CompletableFuture<byte[]> read) {
        byte[] body;
        try {
            body = read.join();
        } catch (CompletionException | java.util.concurrent.CancellationException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof IllegalArgumentException || cause instanceof IllegalStateException) {
                // Jetty's "max size exceeded" of a body without (or lying about) its length
                fail(request, response, callback, tooLarge());
            } else {
                log.debug("{} {}: body not read: {}", request.getMethod(), path, cause.toString());
                callback.failed(cause);
            }
            return;
        }
        try {
            String rawQuery = request.getHttpURI().getQuery();
            Map<String, String> query = parseQuery(rawQuery);
            VerifiedRequest signed = null;
            if (verifier != null) {
                endpoint.precheck(new ApiRequest(method, path, query, body, null));
                String target = SignedRequest.target(request.getHttpURI().getPath(), rawQuery);
                signed = verifier.check(method, request.getHeaders().get(HttpHeader.HOST), target,
                        request.getHeaders()::get, body, authorizer);
            }
            ApiRequest api = new ApiRequest(method, path, query, body, signed);
            Object value = endpoint.handle(api);
            api.admit(); // an endpoint that acts on nothing may leave it to here; a replay is refused all the same
            metrics.request(path, 200);
            ApiResponses.json(request, response, callback, 200, value);
        } catch (RuntimeException e) {
            fail(request, response, callback, e);
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
                throw ApiException.badRequest("query parameter " + ApiResponses.printable(key) + " given twice");
            }
        }
        return out;
    }

    private void fail(Request request, Response response, Callback callback, RuntimeException e) {
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
            if (status == 429 || status == 503) {
                response.getHeaders().put(HttpHeader.RETRY_AFTER, "10");
            }
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
            log.error("{} {} failed", request.getMethod(), path, e);
        }
        metrics.request(path, status);
        if (kind != null) {
            metrics.error(kind);
        }
        if (status >= 500) {
            log.warn("{} {} -> {}: {}", request.getMethod(), path, status, message);
        } else {
            log.debug("{} {} -> {}: {}", request.getMethod(), path, status, message);
        }
        ApiResponses.error(request, response, callback, status, message == null ? "error" : message);
    }
}
