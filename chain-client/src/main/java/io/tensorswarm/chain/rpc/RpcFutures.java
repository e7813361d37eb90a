package io.tensorswarm.chain.rpc;

import io.tensorswarm.chain.ChainException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Unwraps future failures into the {@link ChainException} the transport completed them with. */
final class RpcFutures {
    private RpcFutures() {}

    /** Waits for {@code future}; the transport enforces the timeout, so this never waits forever. */
    static <T> T join(CompletableFuture<T> future, String what) {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ChainException(what + " interrupted", e, true);
        } catch (ExecutionException | CompletionException e) {
            throw unwrap(e.getCause(), what);
        }
    }

    static ChainException unwrap(Throwable t, String what) {
        while ((t instanceof CompletionException || t instanceof ExecutionException) && t.getCause() != null) {
            t = t.getCause();
        }
        if (t instanceof ChainException ce) {
            return ce;
        }
        return new ChainException(what + " failed: " + t, t, false);
    }
}
