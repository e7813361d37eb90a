package io.tensorswarm.chain.rpc;

/** An active subscription; {@link #close()} unsubscribes (best effort) and stops delivery. */
public interface Subscription extends AutoCloseable {

    /** Returns the subscription id the node assigned (it changes after a resubscribe). */
    String id();

    /** Stops delivery and sends the unsubscribe call; never throws. */
    @Override
    void close();
}
