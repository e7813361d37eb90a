package io.tensorswarm.chain.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP server (the JDK's, as the orchestrator's) answering {@code POST <prefix>/v1/heartbeat}
 * the way the orchestrator does: the signature is checked by a {@link RequestVerifier} over the raw
 * target and the body as received, a refusal answers its status with {@code {"error":...}}, an
 * accepted heartbeat answers a roster entry. Records every request and every accepted heartbeat.
 * Other paths answer {@link #answer} (status and body) after the same check.
 */
final class VerifyingHeartbeatServer implements AutoCloseable {
    /** A request as received, headers included, so a test can send it again. */
    record Received(String method, String target, Map<String, String> headers, byte[] body, int status) {}

    /** A verified heartbeat: the caller's hotkey and the JSON body. */
    record Accepted(String hotkey, JsonNode body) {}

    private static final ObjectMapper JSON = new ObjectMapper();

    final List<Received> received = new CopyOnWriteArrayList<>();
    final List<Accepted> accepted = new CopyOnWriteArrayList<>();
    final AtomicInteger requests = new AtomicInteger();
    private final HttpServer server;
    private final RequestVerifier verifier;
    private final String prefix;
    volatile int forcedStatus;
    volatile String otherAnswer = "{}";

    VerifyingHeartbeatServer(RequestVerifier verifier, String prefix) throws IOException {
        this.verifier = verifier;
        this.prefix = prefix;
        this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::handle);
        server.start();
    }

    VerifyingHeartbeatServer(RequestVerifier verifier) throws IOException {
        this(verifier, "");
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + prefix + "/";
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            String target = SignedRequest.target(exchange.getRequestURI().getRawPath(), exchange.getRequestURI().getRawQuery());
            Map<String, String> headers = new java.util.LinkedHashMap<>();
            for (String name : List.of("Host", SignedRequest.HOTKEY_HEADER, SignedRequest.NETUID_HEADER, SignedRequest.TIMESTAMP_HEADER,
                    SignedRequest.NONCE_HEADER, SignedRequest.SIGNATURE_HEADER)) {
                String value = exchange.getRequestHeaders().getFirst(name);
                if (value != null) {
                    headers.put(name, value);
                }
            }
            int status;
            String answer;
            if (forcedStatus != 0) {
                status = forcedStatus;
                answer = "{\"error\":\"forced " + forcedStatus + "\\nsecond line\"}";
            } else {
                try {
                    String hotkey = verifier.verify(exchange.getRequestMethod(),
                            exchange.getRequestHeaders().getFirst("Host"), target, exchange.getRequestHeaders()::getFirst, body);
                    status = 200;
                    if (target.equals(prefix + "/v1/heartbeat") && exchange.getRequestMethod().equals("POST")) {
                        JsonNode heartbeat = JSON.readTree(body);
                        accepted.add(new Accepted(hotkey, heartbeat));
                        answer = JSON.writeValueAsString(Map.of("hotkey", hotkey, "heartbeat", heartbeat,
                                "firstSeenMillis", 1L, "lastSeenMillis", 1_700_000_000_123L, "heartbeats", accepted.size()));
                    } else {
                        answer = otherAnswer;
                    }
                } catch (RequestAuthException e) {
                    status = e.httpStatus();
                    answer = JSON.writeValueAsString(Map.of("error", e.getMessage()));
                }
            }
            received.add(new Received(exchange.getRequestMethod(), target, headers, body, status));
            byte[] bytes = answer.getBytes(StandardCharsets.UTF_8);
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
