package io.tensorswarm.chain.subtensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/**
 * A MockWebServer WebSocket that answers each JSON-RPC request with the result a test script
 * computes from it ({@code (request, socket) -> resultJson}), and records every request.
 */
final class RespondingNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final MockWebServer server = new MockWebServer();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    RespondingNode(BiFunction<JsonNode, WebSocket, String> script) throws IOException {
        server.enqueue(new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onMessage(WebSocket ws, String text) {
                try {
                    JsonNode req = JSON.readTree(text);
                    requests.add(req);
                    String result = script.apply(req, ws);
                    ws.send("{\"jsonrpc\":\"2.0\",\"id\":" + req.get("id") + ",\"result\":" + result + "}");
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                ws.close(1000, null);
            }
        }));
        server.start();
    }

    String url() {
        return "ws://" + server.getHostName() + ":" + server.getPort();
    }

    /** Returns the methods called, in order. */
    List<String> methods() {
        return requests.stream().map(r -> r.get("method").asText()).toList();
    }

    /** Returns the params of the first call of {@code method}. */
    JsonNode params(String method) {
        return requests.stream().filter(r -> r.get("method").asText().equals(method)).findFirst()
                .orElseThrow(() -> new AssertionError(method + " was not called")).get("params");
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
