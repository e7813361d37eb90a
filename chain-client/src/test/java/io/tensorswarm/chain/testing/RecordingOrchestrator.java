package io.tensorswarm.chain.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.auth.MetagraphCache;
import io.tensorswarm.chain.auth.RequestAuthException;
import io.tensorswarm.chain.auth.RequestVerifier;
import io.tensorswarm.chain.auth.SignedRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.LongSupplier;

/**
 * A real HTTP server answering {@code POST /v1/heartbeat} as the orchestrator does: the signature
 * is checked by a {@link RequestVerifier} (netuid, timestamp window, nonce, signature over the host, raw target
 * and body) and the caller must be registered on the subnet ({@link MetagraphCache#registered()});
 * refusals answer 401/403 with {@code {"error":...}} and are counted. Records each accepted
 * heartbeat with the caller's hotkey and the test clock's time.
 */
public final class RecordingOrchestrator implements AutoCloseable {
    /** An accepted heartbeat. */
    public record Beat(String hotkey, JsonNode body, long atMillis) {
        public String status() {
            return body.path("status").asText("");
        }
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    public final List<Beat> accepted = new CopyOnWriteArrayList<>();
    public final List<String> refusals = new CopyOnWriteArrayList<>();
    private final HttpServer server;
    private final RequestVerifier verifier;
    private final LongSupplier testMillis;

    /** Admits the hotkeys registered on {@code netuid} of {@code chain}; stamps heartbeats with {@code testMillis}. */
    public RecordingOrchestrator(Chain chain, int netuid, LongSupplier testMillis) throws IOException {
        this.verifier = RequestVerifier.builder().setNetuid(netuid)
                .optAuthorizer(MetagraphCache.of(chain, netuid).registered()).build();
        this.testMillis = testMillis;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    /** Returns {@code http://127.0.0.1:<port>/}. */
    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = SignedRequest.target(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery());
            int status;
            Object answer;
            try {
                String hotkey = verifier.verify(exchange.getRequestMethod(),
                        exchange.getRequestHeaders().getFirst("Host"), target, exchange.getRequestHeaders()::getFirst, body);
                if (!target.equals("/v1/heartbeat")) {
                    status = 404;
                    answer = Map.of("error", "no such endpoint");
                } else {
                    JsonNode heartbeat = JSON.readTree(body);
                    accepted.add(new Beat(hotkey, heartbeat, testMillis.getAsLong()));
                    status = 200;
                    answer = Map.of("hotkey", hotkey, "heartbeat", heartbeat, "firstSeenMillis", 0,
                            "lastSeenMillis", System.currentTimeMillis(), "heartbeats", accepted.size());
                }
            } catch (RequestAuthException e) {
                refusals.add(e.failure() + ": " + e.getMessage());
                status = e.httpStatus();
                answer = Map.of("error", e.getMessage());
            }
            byte[] bytes = JSON.writeValueAsString(answer).getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "application/json");
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
