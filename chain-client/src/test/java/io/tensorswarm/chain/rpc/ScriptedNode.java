package io.tensorswarm.chain.rpc;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.OkHttpClient;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;

/**
 * Test double for a Substrate node: a MockWebServer whose WebSocket upgrades record every text
 * frame the client sends, so a test asserts the exact request JSON and scripts the replies.
 */
final class ScriptedNode implements AutoCloseable {
    static final ObjectMapper JSON = new ObjectMapper();

    final MockWebServer server = new MockWebServer();
    private final BlockingQueue<String> received = new LinkedBlockingQueue<>();
    private final BlockingQueue<WebSocket> opened = new LinkedBlockingQueue<>();
    private WebSocket socket;

    ScriptedNode() throws IOException {
        server.start();
    }

    /** Accepts one more WebSocket connection (call once per expected connect or reconnect). */
    ScriptedNode acceptSocket() {
        server.enqueue(new MockResponse().withWebSocketUpgrade(new WebSocketListener() {
            @Override
            public void onOpen(WebSocket ws, Response response) {
                opened.add(ws);
            }

            @Override
            public void onMessage(WebSocket ws, String text) {
                received.add(text);
            }

            @Override
            public void onClosing(WebSocket ws, int code, String reason) {
                ws.close(1000, null);
            }
        }));
        return this;
    }

    String url() {
        return "ws://" + server.getHostName() + ":" + server.getPort();
    }

    RpcSettings settings() {
        return RpcSettings.of(url()).withCallTimeout(Duration.ofSeconds(5))
                .withBackoff(Duration.ofMillis(20), Duration.ofMillis(200));
    }

    /** Opens a transport to this node on a fresh client. */
    WsRpcTransport connect(RpcSettings settings) {
        WsRpcTransport t = new WsRpcTransport(settings, new OkHttpClient(), true);
        t.open();
        return t;
    }

    /** Returns the server side of the next socket the client opens. */
    WebSocket nextSocket() throws InterruptedException {
        socket = opened.poll(5, TimeUnit.SECONDS);
        assertNotNull(socket, "client did not open a socket");
        return socket;
    }

    /** Returns the next text frame the client sent. */
    String take() throws InterruptedException {
        String text = received.poll(5, TimeUnit.SECONDS);
        assertNotNull(text, "client sent nothing");
        return text;
    }

    /** Returns the next frame as JSON. */
    JsonNode takeJson() throws Exception {
        return JSON.readTree(take());
    }

    /** Closes the current server-side socket, as a node restart would. */
    void nextSocketClose() {
        socket.close(1001, "going away");
    }

    /** Sends a raw text frame to the client on the current socket. */
    void send(String text) {
        socket.send(text);
    }

    /** Replies {@code result} (raw JSON) to request {@code id}. */
    void reply(long id, String resultJson) {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"result\":" + resultJson + "}");
    }

    @Override
    public void close() throws IOException {
        server.shutdown();
    }
}
