package io.tensorswarm.storage.transfer;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageOptions;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs a call up to {@link StorageOptions#maxAttempts()} times while it fails with a retryable
 * {@link StorageException}, waiting the server's {@code Retry-After} or an exponential backoff
 * ({@code base * 2^n}, capped) in between. Thread-safe.
 */
public final class Retrier {
    private static final Logger log = LoggerFactory.getLogger(Retrier.class);

    private final int maxAttempts;
    private final Duration base;
    private final Duration max;
    private final StorageOptions.Sleeper sleeper;

    public Retrier(StorageOptions options) {
        this.maxAttempts = options.maxAttempts();
        this.base = options.backoffBase();
        this.max = options.backoffMax();
        this.sleeper = options.sleeper();
    }

    /** A call that may throw {@link StorageException}. */
    @FunctionalInterface
    public interface Call<T> {
        T run();
    }

    /** Returns {@code call}'s result, retrying retryable failures; {@code what} names it in logs. */
    public <T> T call(String what, Call<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.run();
            } catch (StorageException e) {
                if (!e.retryable() || attempt >= maxAttempts) {
                    throw e;
                }
                Duration wait = e.retryAfter().orElse(backoff(attempt));
                log.debug("{} failed (attempt {}/{}): {}; retrying in {} ms", what, attempt, maxAttempts, e.getMessage(), wait.toMillis());
                sleep(wait);
            }
        }
    }

    /** Returns the wait after failed attempt {@code attempt} (1-based). */
    public Duration backoff(int attempt) {
        long ms = base.toMillis() << Math.min(attempt - 1, 20);
        return Duration.ofMillis(Math.min(ms, max.toMillis()));
    }

    /** Sleeps {@code d}, turning an interrupt into a non-retryable failure. */
    public void sleep(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.INTERRUPTED, "interrupted while waiting to retry", ie);
        }
    }
}
