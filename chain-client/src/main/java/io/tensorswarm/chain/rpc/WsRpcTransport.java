package io.tensorswarm.chain.rpc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.ChainException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ProtocolException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RpcTransport} over one OkHttp WebSocket: requests get increasing ids and replies complete
 * the matching future, in any order; each call fails after {@link RpcSettings#callTimeout()}.
 *
 * <p>When the socket drops, every pending call fails with a retryable {@link ChainException} and the
 * transport reconnects in the background with exponential backoff; subscriptions whose listener
 * {@linkplain SubscriptionListener#resumeAfterReconnect() resumes} are made again on the new socket,
 * the others get {@link SubscriptionListener#onError}. Calls made while reconnecting fail at once
 * (retryable). Futures complete on a worker pool, never on the socket's reader thread, so blocking
 * in a dependent stage cannot stall the connection. Thread-safe.
 *
 * <pre>{@code
 * try (WsRpcTransport rpc = WsRpcTransport.connect(RpcSettings.of(Endpoints.resolve("local", null)))) {
 *     JsonNode header = rpc.send("chain_getHeader", List.of());
 * }
 * }</pre>
 */
public final class WsRpcTransport implements RpcTransport {
    private static final Logger log = LoggerFactory.getLogger(WsRpcTransport.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final RpcSettings settings;
    private final OkHttpClient http;
    private final boolean ownsClient;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService completions;
    private final ExecutorService deliveries;
    private final AtomicLong nextId = new AtomicLong(1);
    private final Map<Long, Pending> pending = new ConcurrentHashMap<>();
    private final Map<String, ActiveSubscription> byServerId = new ConcurrentHashMap<>();
    private final Set<ActiveSubscription> subscriptions = ConcurrentHashMap.newKeySet();
    private final Object lock = new Object();
    private volatile SocketListener current;
    private volatile boolean closed;

    /** Opens a transport to {@code settings.url()} with its own OkHttp client and threads. */
    public static WsRpcTransport connect(RpcSettings settings) {
        OkHttpClient client = new OkHttpClient.Builder()
                .connectTimeout(settings.connectTimeout())
                .readTimeout(Duration.ZERO)
                .pingInterval(Duration.ofSeconds(20))
                .build();
        WsRpcTransport t = new WsRpcTransport(settings, client, true);
        t.open();
        return t;
    }

    /** Creates an unopened transport on {@code http}; tests call {@link #open()} themselves. */
    WsRpcTransport(RpcSettings settings, OkHttpClient http, boolean ownsClient) {
        this.settings = settings;
        this.http = http;
        this.ownsClient = ownsClient;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(daemon("rpc-timer"));
        this.completions = Executors.newCachedThreadPool(daemon("rpc-complete"));
        this.deliveries = Executors.newSingleThreadExecutor(daemon("rpc-notify"));
    }

    /**
     * Opens the first connection, waiting up to the connect timeout.
     *
     * @throws ChainException with a one-line message naming the URL when the endpoint refuses,
     *     does not resolve, does not speak WebSocket or does not answer in time
     */
    void open() {
        SocketListener listener = new SocketListener();
        http.newWebSocket(new Request.Builder().url(httpUrl()).build(), listener);
        try {
            listener.opened.get(settings.connectTimeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdownThreads();
            throw new ChainException("interrupted while connecting to " + shown(), e, true);
        } catch (TimeoutException e) {
            shutdownThreads();
            throw new ChainException("timed out connecting to " + shown(), e, true);
        } catch (ExecutionException e) {
            shutdownThreads();
            throw RpcFutures.unwrap(e.getCause(), "connecting to " + shown());
        }
        current = listener;
        log.info("connected to {}", shown());
    }

    @Override
    public String url() {
        return settings.url();
    }

    /** The URL as logs and errors show it: without credentials. */
    private String shown() {
        return io.tensorswarm.common.RedactedUrl.of(settings.url());
    }

    /** Returns true while a socket is open (false while reconnecting or after close). */
    public boolean isConnected() {
        return current != null && !closed;
    }

    @Override
    public CompletableFuture<JsonNode> sendAsync(String method, List<?> params) {
        return call(method, params, null);
    }

    @Override
    public Subscription subscribe(String subscribeMethod, List<?> params, String unsubscribeMethod,
            SubscriptionListener listener) {
        ActiveSubscription s = new ActiveSubscription(subscribeMethod, List.copyOf(params), unsubscribeMethod, listener);
        RpcFutures.join(call(subscribeMethod, s.params, id -> register(s, id)), subscribeMethod);
        return s;
    }

    private CompletableFuture<JsonNode> call(String method, List<?> params, Consumer<JsonNode> onReply) {
        CompletableFuture<JsonNode> future = new CompletableFuture<>();
        if (closed) {
            future.completeExceptionally(new ChainException("RPC transport to " + shown() + " is closed"));
            return future;
        }
        SocketListener socket = current;
        if (socket == null) {
            future.completeExceptionally(new ChainException(
                    "not connected to " + shown() + " (reconnecting); " + method + " not sent", null, true));
            return future;
        }
        long id = nextId.getAndIncrement();
        String text = request(id, method, params);
        Pending p = new Pending(method, future, onReply);
        pending.put(id, p);
        p.timeout = scheduler.schedule(() -> {
            if (pending.remove(id, p)) {
                fail(p, new ChainException(method + " to " + shown() + " timed out after "
                        + settings.callTimeout().toMillis() + " ms", null, true));
            }
        }, settings.callTimeout().toMillis(), TimeUnit.MILLISECONDS);
        log.debug("-> {}", text);
        if (!socket.webSocket.send(text)) {
            pending.remove(id);
            p.timeout.cancel(false);
            fail(p, new ChainException("connection to " + shown() + " is closing; " + method + " not sent", null, true));
        }
        return future;
    }

    private static String request(long id, String method, List<?> params) {
        ObjectNode node = JSON.createObjectNode();
        node.put("jsonrpc", "2.0");
        node.put("id", id);
        node.put("method", method);
        node.set("params", JSON.valueToTree(params));
        try {
            return JSON.writeValueAsString(node);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot serialize params of " + method, e);
        }
    }

    private void register(ActiveSubscription s, JsonNode idNode) {
        String id = idNode.asText();
        if (s.cancelled) {
            return;
        }
        s.serverId = id;
        byServerId.put(id, s);
        subscriptions.add(s);
    }

    private void onText(String text) {
        log.debug("<- {}", text.length() > 2000 ? text.substring(0, 2000) + "..." : text);
        JsonNode node;
        try {
            node = JSON.readTree(text);
        } catch (IOException e) {
            log.warn("ignoring a message from {} that is not JSON: {}", shown(), e.getMessage());
            return;
        }
        JsonNode id = node.get("id");
        if (id != null && !id.isNull() && !node.has("method")) {
            Pending p = pending.remove(id.asLong());
            if (p == null) {
                log.debug("reply for unknown or timed-out request id {}", id);
                return;
            }
            p.timeout.cancel(false);
            JsonNode error = node.get("error");
            if (error != null && !error.isNull()) {
                fail(p, RpcErrors.toException(p.method, error));
                return;
            }
            JsonNode result = node.has("result") ? node.get("result") : NullNode.getInstance();
            if (p.onReply != null) {
                p.onReply.accept(result);
            }
            completions.execute(() -> p.future.complete(result));
            return;
        }
        JsonNode params = node.get("params");
        if (params != null && params.has("subscription")) {
            ActiveSubscription s = byServerId.get(params.get("subscription").asText());
            if (s == null) {
                log.debug("notification for unknown subscription {}", params.get("subscription"));
                return;
            }
            JsonNode result = params.get("result");
            deliveries.execute(() -> s.deliver(result));
        }
    }

    private void fail(Pending p, ChainException e) {
        try {
            completions.execute(() -> p.future.completeExceptionally(e));
        } catch (java.util.concurrent.RejectedExecutionException rejected) {
            p.future.completeExceptionally(e);
        }
    }

    private void connectionLost(SocketListener listener, String reason) {
        synchronized (lock) {
            if (listener != current) {
                return;
            }
            current = null;
        }
        if (closed) {
            return;
        }
        log.warn("connection to {} lost ({}); reconnecting", shown(), reason);
        ChainException lost = new ChainException("connection to " + shown() + " lost: " + reason, null, true);
        failPending(lost);
        for (ActiveSubscription s : subscriptions) {
            byServerId.remove(s.serverId);
            if (!s.listener.resumeAfterReconnect()) {
                subscriptions.remove(s);
                deliveries.execute(() -> s.listener.onError(lost));
            }
        }
        scheduleReconnect(1);
    }

    private void failPending(ChainException e) {
        for (Long id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.timeout.cancel(false);
                fail(p, e);
            }
        }
    }

    private void scheduleReconnect(int attempt) {
        if (closed) {
            return;
        }
        Duration delay = settings.backoff(attempt);
        log.debug("reconnect attempt {} to {} in {} ms", attempt, shown(), delay.toMillis());
        scheduler.schedule(() -> reconnect(attempt), delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void reconnect(int attempt) {
        if (closed) {
            return;
        }
        SocketListener listener = new SocketListener();
        http.newWebSocket(new Request.Builder().url(httpUrl()).build(), listener);
        listener.opened.whenComplete((ws, err) -> {
            if (err != null) {
                int max = settings.maxReconnectAttempts();
                if (max > 0 && attempt >= max) {
                    giveUp(RpcFutures.unwrap(err, "reconnecting to " + shown()));
                } else {
                    scheduleReconnect(attempt + 1);
                }
                return;
            }
            synchronized (lock) {
                if (closed) {
                    ws.webSocket.close(1000, "transport closed");
                    return;
                }
                current = listener;
            }
            log.info("reconnected to {} after {} attempt(s)", shown(), attempt);
            resubscribeAll();
        });
    }

    private void giveUp(ChainException e) {
        log.error("giving up reconnecting to {}: {}", shown(), e.getMessage());
        for (ActiveSubscription s : subscriptions) {
            subscriptions.remove(s);
            deliveries.execute(() -> s.listener.onError(e));
        }
    }

    private void resubscribeAll() {
        for (ActiveSubscription s : subscriptions) {
            if (s.cancelled) {
                continue;
            }
            call(s.subscribeMethod, s.params, id -> register(s, id)).whenComplete((id, err) -> {
                if (err != null) {
                    subscriptions.remove(s);
                    ChainException e = RpcFutures.unwrap(err, s.subscribeMethod);
                    deliveries.execute(() -> s.listener.onError(e));
                }
            });
        }
    }

    @Override
    public void close() {
        SocketListener socket;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            socket = current;
            current = null;
        }
        if (socket != null) {
            socket.webSocket.close(1000, "client closed");
        }
        ChainException e = new ChainException("RPC transport to " + shown() + " was closed");
        for (Long id : List.copyOf(pending.keySet())) {
            Pending p = pending.remove(id);
            if (p != null) {
                p.timeout.cancel(false);
                p.future.completeExceptionally(e);
            }
        }
        subscriptions.clear();
        byServerId.clear();
        shutdownThreads();
        if (ownsClient) {
            http.dispatcher().executorService().shutdown();
            http.connectionPool().evictAll();
        }
    }

    private void shutdownThreads() {
        scheduler.shutdownNow();
        deliveries.shutdown();
        completions.shutdown();
    }

    private String httpUrl() {
        // OkHttp builds requests from http(s) URLs; the WebSocket upgrade keeps the ws(s) semantics.
        return settings.url().replaceFirst("^ws", "http");
    }

    private ChainException connectFailure(Throwable t, Response response) {
        String url = shown();
        if (response != null && response.code() != 101) {
            return new ChainException(url + " is not a WebSocket JSON-RPC endpoint (HTTP " + response.code() + ")");
        }
        if (t instanceof UnknownHostException) {
            return new ChainException("cannot connect to " + url + ": unknown host", t, false);
        }
        if (t instanceof ConnectException) {
            return new ChainException("cannot connect to " + url + ": connection refused", t, true);
        }
        if (t instanceof SocketTimeoutException) {
            return new ChainException("timed out connecting to " + url, t, true);
        }
        if (t instanceof ProtocolException) {
            return new ChainException(url + " is not a WebSocket JSON-RPC endpoint (" + t.getMessage() + ")", t, false);
        }
        return new ChainException("cannot connect to " + url + ": " + t, t, true);
    }

    private static ThreadFactory daemon(String name) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, name + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** One outstanding call. */
    private static final class Pending {
        final String method;
        final CompletableFuture<JsonNode> future;
        final Consumer<JsonNode> onReply;
        volatile ScheduledFuture<?> timeout;

        Pending(String method, CompletableFuture<JsonNode> future, Consumer<JsonNode> onReply) {
            this.method = method;
            this.future = future;
            this.onReply = onReply;
        }
    }

    /** Events of one socket; a stale socket's events are ignored. */
    private final class SocketListener extends WebSocketListener {
        final CompletableFuture<SocketListener> opened = new CompletableFuture<>();
        volatile WebSocket webSocket;

        @Override
        public void onOpen(WebSocket ws, Response response) {
            webSocket = ws;
            opened.complete(this);
        }

        @Override
        public void onMessage(WebSocket ws, String text) {
            onText(text);
        }

        @Override
        public void onClosing(WebSocket ws, int code, String reason) {
            ws.close(1000, null);
            connectionLost(this, "server closed the socket (" + code + (reason.isEmpty() ? "" : " " + reason) + ")");
        }

        @Override
        public void onClosed(WebSocket ws, int code, String reason) {
            connectionLost(this, "socket closed (" + code + ")");
        }

        @Override
        public void onFailure(WebSocket ws, Throwable t, Response response) {
            if (!opened.isDone()) {
                opened.completeExceptionally(connectFailure(t, response));
                return;
            }
            connectionLost(this, t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage());
        }
    }

    /** A subscription that may move to a new server id after a reconnect. */
    private final class ActiveSubscription implements Subscription {
        final String subscribeMethod;
        final List<?> params;
        final String unsubscribeMethod;
        final SubscriptionListener listener;
        volatile String serverId;
        volatile boolean cancelled;

        ActiveSubscription(String subscribeMethod, List<?> params, String unsubscribeMethod,
                SubscriptionListener listener) {
            this.subscribeMethod = subscribeMethod;
            this.params = params;
            this.unsubscribeMethod = unsubscribeMethod;
            this.listener = listener;
        }

        void deliver(JsonNode result) {
            if (cancelled) {
                return;
            }
            try {
                listener.onNotification(result);
            } catch (RuntimeException e) {
                log.warn("subscription listener for {} threw: {}", subscribeMethod, e.toString());
            }
        }

        @Override
        public String id() {
            return serverId;
        }

        @Override
        public void close() {
            if (cancelled) {
                return;
            }
            cancelled = true;
            subscriptions.remove(this);
            String id = serverId;
            if (id != null) {
                byServerId.remove(id);
                if (current != null && !closed) {
                    sendAsync(unsubscribeMethod, List.of(id)).exceptionally(e -> null);
                }
            }
        }
    }
}
