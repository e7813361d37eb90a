package io.tensorswarm.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainException;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/**
 * Sends JSON-RPC 2.0 requests to a Substrate node and delivers subscription notifications.
 * Implementations must be safe for concurrent use.
 *
 * <p>Failures are {@link ChainException}s: a JSON-RPC error object becomes an {@link
 * RpcErrorException} (or, for a transaction-pool rejection, a {@link
 * io.tensorswarm.chain.DispatchException} naming the reason); a lost connection or a timeout is
 * retryable.
 *
 * <pre>{@code
 * try (RpcTransport rpc = WsRpcTransport.connect(RpcSettings.of("ws://127.0.0.1:9944"))) {
 *     String genesis = rpc.send("chain_getBlockHash", List.of(0)).asText();
 * }
 * }</pre>
 */
public interface RpcTransport extends AutoCloseable {

    /**
     * Sends {@code method(params)} and returns a future of its {@code result}; the future fails
     * with a {@link ChainException} on an error reply, a timeout or a lost connection.
     * Params are serialized with Jackson (strings, numbers, lists, maps, {@link JsonNode}s).
     */
    CompletableFuture<JsonNode> sendAsync(String method, List<?> params);

    /**
     * Sends {@code method(params)} and waits for its {@code result} (JSON {@code null} stays a
     * {@code NullNode}).
     *
     * @throws ChainException on an error reply, a timeout or a lost connection
     */
    default JsonNode send(String method, List<?> params) {
        return RpcFutures.join(sendAsync(method, params), method);
    }

    /**
     * Calls {@code subscribeMethod(params)} and routes every notification of the returned
     * subscription id to {@code listener} (in arrival order, on one delivery thread). Closing the
     * returned {@link Subscription} calls {@code unsubscribeMethod([id])}. After a reconnect the
     * subscription is made again when {@link SubscriptionListener#resumeAfterReconnect()} says so;
     * otherwise the listener gets {@link SubscriptionListener#onError} with a retryable exception.
     *
     * @throws ChainException if the subscribe call itself fails
     */
    Subscription subscribe(String subscribeMethod, List<?> params, String unsubscribeMethod,
            SubscriptionListener listener);

    /** Returns the endpoint URL this transport talks to. */
    String url();

    /** Closes the connection; pending calls fail with a non-retryable {@link ChainException}. */
    @Override
    void close();
}
