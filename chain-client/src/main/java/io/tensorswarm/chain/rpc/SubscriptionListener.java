package io.tensorswarm.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainException;

/**
 * Receives the notifications of one subscription; called on the transport's single delivery thread,
 * so implementations should hand work off rather than block.
 */
public interface SubscriptionListener {

    /** Receives one notification's {@code params.result}. */
    void onNotification(JsonNode result);

    /** Receives the failure that ended this subscription (for example a lost connection). */
    default void onError(ChainException error) {}

    /**
     * Returns true when the subscription should be made again after a reconnect (new heads), false
     * when it cannot meaningfully resume (an extrinsic's status stream).
     */
    default boolean resumeAfterReconnect() {
        return true;
    }
}
