package io.tensorswarm.chain.rpc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.DispatchException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WsRpcTransportTest {
    private ScriptedNode node;
    private WsRpcTransport rpc;

    @BeforeEach
    void start() throws Exception {
        node = new ScriptedNode();
    }

    @AfterEach
    void stop() throws Exception {
        if (rpc != null) {
            rpc.close();
        }
        node.close();
    }

    private WsRpcTransport open() throws InterruptedException {
        node.acceptSocket();
        rpc = node.connect(node.settings());
        node.nextSocket();
        return rpc;
    }

    private static ChainException failure(CompletableFuture<?> f) {
        ExecutionException e = assertThrows(ExecutionException.class, () -> f.get(5, TimeUnit.SECONDS));
        return assertInstanceOf(ChainException.class, e.getCause());
    }

    @Test
    void sendsExactRequestJsonAndReturnsTheResult() throws Exception {
        open();
        CompletableFuture<JsonNode> f = rpc.sendAsync("chain_getBlockHash", List.of(0));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_getBlockHash\",\"params\":[0]}", node.take());
        node.reply(1, "\"0x4545\"");
        assertEquals("0x4545", f.get(5, TimeUnit.SECONDS).asText());
    }

    @Test
    void correlatesRepliesThatArriveOutOfOrder() throws Exception {
        open();
        CompletableFuture<JsonNode> first = rpc.sendAsync("state_getStorage", List.of("0x01"));
        CompletableFuture<JsonNode> second = rpc.sendAsync("state_getStorage", List.of("0x02", "0xab"));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"state_getStorage\",\"params\":[\"0x01\"]}", node.take());
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"state_getStorage\",\"params\":[\"0x02\",\"0xab\"]}",
                node.take());
        node.reply(2, "\"0x22\"");
        node.reply(1, "null");
        assertEquals("0x22", second.get(5, TimeUnit.SECONDS).asText());
        assertTrue(first.get(5, TimeUnit.SECONDS).isNull());
    }

    @Test
    void callFailsRetryablyWhenTheNodeDoesNotAnswerInTime() throws Exception {
        node.acceptSocket();
        rpc = node.connect(node.settings().withCallTimeout(Duration.ofMillis(150)));
        node.nextSocket();
        ChainException e = failure(rpc.sendAsync("chain_getHeader", List.of()));
        assertTrue(e.retryable());
        assertEquals("chain_getHeader to " + node.url() + " timed out after 150 ms", e.getMessage());
        node.take();
        node.reply(1, "{}"); // a late reply is ignored, and the connection stays usable
        CompletableFuture<JsonNode> next = rpc.sendAsync("rpc_methods", List.of());
        assertEquals(2, node.takeJson().get("id").asLong());
        node.reply(2, "{\"methods\":[]}");
        assertTrue(next.get(5, TimeUnit.SECONDS).has("methods"));
    }

    @Test
    void errorObjectBecomesRpcErrorExceptionWithCodeAndMessage() throws Exception {
        open();
        CompletableFuture<JsonNode> f = rpc.sendAsync("neuronInfo_getNeuronsLite", List.of(1));
        node.take();
        node.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":-32601,\"message\":\"Method not found\"}}");
        RpcErrorException e = assertInstanceOf(RpcErrorException.class, failure(f));
        assertEquals(-32601, e.code());
        assertEquals("neuronInfo_getNeuronsLite failed: -32601 Method not found", e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void poolRejectionIsDecodedIntoTheSubtensorReason() throws Exception {
        open();
        CompletableFuture<JsonNode> f = rpc.sendAsync("author_submitExtrinsic", List.of("0x00"));
        node.take();
        node.send("{\"jsonrpc\":\"2.0\",\"id\":1,\"error\":{\"code\":1010,\"message\":\"Invalid Transaction\","
                + "\"data\":\"Custom error: 6\"}}");
        DispatchException e = assertInstanceOf(DispatchException.class, failure(f));
        assertEquals("InvalidTransaction", e.pallet());
        assertEquals("RateLimitExceeded", e.errorName());
        assertEquals("InvalidTransaction.RateLimitExceeded: Invalid Transaction: Custom error: 6", e.getMessage());
    }

    @Test
    void pendingCallsFailWhenTheServerClosesTheSocketAndTheTransportReconnects() throws Exception {
        open();
        node.acceptSocket();
        CompletableFuture<JsonNode> f = rpc.sendAsync("chain_getHeader", List.of());
        node.take();
        node.nextSocketClose();
        ChainException e = failure(f);
        assertTrue(e.retryable());
        assertTrue(e.getMessage().startsWith("connection to " + node.url() + " lost"), e.getMessage());
        node.nextSocket();
        JsonNode result = retryUntilConnected(() -> rpc.sendAsync("chain_getHeader", List.of()));
        assertEquals("0x2a", result.path("number").asText());
    }

    /** Sends until the reconnect completes (calls during reconnect fail fast), then answers. */
    private JsonNode retryUntilConnected(java.util.function.Supplier<CompletableFuture<JsonNode>> call) throws Exception {
        for (int i = 0; i < 500; i++) {
            if (!rpc.isConnected()) {
                Thread.onSpinWait();
                Thread.sleep(5);
                continue;
            }
            CompletableFuture<JsonNode> f = call.get();
            JsonNode req = node.takeJson();
            node.reply(req.get("id").asLong(), "{\"number\":\"0x2a\"}");
            return f.get(5, TimeUnit.SECONDS);
        }
        throw new AssertionError("transport did not reconnect");
    }

    @Test
    void subscriptionDeliversNotificationsAndUnsubscribesOnClose() throws Exception {
        open();
        BlockingQueue<JsonNode> heads = new LinkedBlockingQueue<>();
        CompletableFuture<Subscription> sub = CompletableFuture.supplyAsync(() ->
                rpc.subscribe("chain_subscribeNewHeads", List.of(), "chain_unsubscribeNewHeads", heads::add));
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"chain_subscribeNewHeads\",\"params\":[]}", node.take());
        node.reply(1, "\"sub-7\"");
        node.send(notification("sub-7", "{\"number\":\"0x10\"}"));
        node.send(notification("other", "{\"number\":\"0x99\"}"));
        node.send(notification("sub-7", "{\"number\":\"0x11\"}"));
        Subscription s = sub.get(5, TimeUnit.SECONDS);
        assertEquals("sub-7", s.id());
        assertEquals("0x10", heads.poll(5, TimeUnit.SECONDS).get("number").asText());
        assertEquals("0x11", heads.poll(5, TimeUnit.SECONDS).get("number").asText());
        s.close();
        assertEquals("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"chain_unsubscribeNewHeads\",\"params\":[\"sub-7\"]}",
                node.take());
        assertTrue(heads.isEmpty());
    }

    @Test
    void resumableSubscriptionIsMadeAgainAfterReconnect() throws Exception {
        open();
        node.acceptSocket();
        BlockingQueue<JsonNode> heads = new LinkedBlockingQueue<>();
        CompletableFuture<Subscription> sub = CompletableFuture.supplyAsync(() ->
                rpc.subscribe("chain_subscribeNewHeads", List.of(), "chain_unsubscribeNewHeads", heads::add));
        node.take();
        node.reply(1, "\"a\"");
        Subscription s = sub.get(5, TimeUnit.SECONDS);
        node.nextSocketClose();
        node.nextSocket();
        JsonNode again = node.takeJson();
        assertEquals("chain_subscribeNewHeads", again.get("method").asText());
        node.reply(again.get("id").asLong(), "\"b\"");
        node.send(notification("b", "{\"number\":\"0x20\"}"));
        assertEquals("0x20", heads.poll(5, TimeUnit.SECONDS).get("number").asText());
        assertEquals("b", s.id());
    }

    @Test
    void oneShotSubscriptionGetsARetryableErrorWhenTheConnectionDrops() throws Exception {
        open();
        node.acceptSocket();
        BlockingQueue<ChainException> errors = new LinkedBlockingQueue<>();
        SubscriptionListener watcher = new SubscriptionListener() {
            @Override
            public void onNotification(JsonNode result) {}

            @Override
            public void onError(ChainException error) {
                errors.add(error);
            }

            @Override
            public boolean resumeAfterReconnect() {
                return false;
            }
        };
        CompletableFuture<Subscription> sub = CompletableFuture.supplyAsync(() -> rpc.subscribe(
                "author_submitAndWatchExtrinsic", List.of("0x00"), "author_unwatchExtrinsic", watcher));
        node.take();
        node.reply(1, "\"w\"");
        sub.get(5, TimeUnit.SECONDS);
        node.nextSocketClose();
        ChainException e = errors.poll(5, TimeUnit.SECONDS);
        assertTrue(e != null && e.retryable());
    }

    @Test
    void refusedConnectionNamesTheUrlInOneLine() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        String url = "ws://127.0.0.1:" + port;
        ChainException e = assertThrows(ChainException.class, () -> WsRpcTransport.connect(RpcSettings.of(url)));
        assertEquals("cannot connect to " + url + ": connection refused", e.getMessage());
    }

    @Test
    void anEndpointsCredentialsNeverReachTheErrorMessage() throws Exception {
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        ChainException e = assertThrows(ChainException.class,
                () -> WsRpcTransport.connect(RpcSettings.of("ws://operator:hunter2@127.0.0.1:" + port)));
        assertEquals("cannot connect to ws://***@127.0.0.1:" + port + ": connection refused", e.getMessage());
    }

    @Test
    void plainHttpServerIsReportedAsNotAWebSocketEndpoint() {
        node.server.enqueue(new MockResponse().setBody("hello"));
        ChainException e = assertThrows(ChainException.class, () -> node.connect(node.settings()));
        assertEquals(node.url() + " is not a WebSocket JSON-RPC endpoint (HTTP 200)", e.getMessage());
        assertFalse(e.retryable());
    }

    @Test
    void callsAfterCloseFailWithoutRetry() throws Exception {
        open();
        rpc.close();
        ChainException e = failure(rpc.sendAsync("chain_getHeader", List.of()));
        assertFalse(e.retryable());
        assertEquals("RPC transport to " + node.url() + " is closed", e.getMessage());
    }

    private static String notification(String sub, String result) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"chain_newHead\",\"params\":{\"subscription\":\"" + sub
                + "\",\"result\":" + result + "}}";
    }
}
