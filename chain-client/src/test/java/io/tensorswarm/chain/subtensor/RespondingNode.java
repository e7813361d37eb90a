package io.tensorswarm.chain.subtensor;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
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

    /** What the script asked to send once its answer is out (a node's subscription updates follow the answer). */
    private static final ThreadLocal<List<Runnable>> AFTER_RESPONSE = ThreadLocal.withInitial(ArrayList::new);

    final MockWebServer server = new MockWebServer();
    final List<JsonNode> requests = new CopyOnWriteArrayList<>();

    /**
     * Called from a script: runs {@code action} right after the current request's answer is sent, as a
     * node sends a subscription's notifications only after the answer that names the subscription.
     */
    static void afterResponse(Runnable action) {
        AFTER_RESPONSE.get().add(action);
    }

    RespondingNode(BiFunction<JsonNode, WebSocket, String> script) throws IOException {
        server.enqueue(new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onMessage(WebSocket ws, String text) {
                try {
                    JsonNode req = JSON.readTree(text);
                    requests.add(req);
                    String result = script.apply(req, ws);
                    ws.send("{\"jsonrpc\":\"2.0\",\"id\":" + req.get("id") + ",\"result\":" + result + "}");
                    List<Runnable> after = new ArrayList<>(AFTER_RESPONSE.get());
                    AFTER_RESPONSE.get().clear();
                    after.forEach(Runnable::run);
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
