package io.tensorswarm.chain.local;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Time} that moves only when told to, for deterministic tests of block numbers, rate
 * limits and epochs. Safe for concurrent use.
 *
 * <pre>{@code
 * MockTime time = new MockTime(0);
 * LocalChain chain = LocalChain.builder().setDirectory(dir).optTime(time).build();
 * time.sleep(12_000);   // one block at the default 12 s block time
 * }</pre>
 */
public final class MockTime implements Time {
    private final AtomicLong now;

    /** Starts at {@code startMillis}. */
    public MockTime(long startMillis) {
        this.now = new AtomicLong(startMillis);
    }

    @Override
    public long milliseconds() {
        return now.get();
    }

    /** Moves the clock forward by {@code millis} (never backward). */
    public void sleep(long millis) {
        if (millis < 0) {
            throw new IllegalArgumentException("cannot move time backward: " + millis);
        }
        now.addAndGet(millis);
    }

    /** Moves the clock forward by {@code duration}. */
    public void sleep(Duration duration) {
        sleep(duration.toMillis());
    }
}
