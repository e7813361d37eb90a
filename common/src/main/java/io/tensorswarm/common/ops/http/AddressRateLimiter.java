package io.tensorswarm.common.ops.http;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * A token bucket per client address: each address may make {@code burst} requests at once and
 * {@code perSecond} sustained. At most {@code maxAddresses} buckets are kept; when the table is full,
 * buckets that have refilled (their address has been quiet) are dropped, and while it is still full
 * the addresses without a bucket share one. Safe for concurrent use.
 *
 * <pre>{@code
 * AddressRateLimiter limiter = new AddressRateLimiter(200, 400, 16_384, System::nanoTime);
 * if (!limiter.tryAcquire("203.0.113.7")) { answer 429 }
 * }</pre>
 */
public final class AddressRateLimiter {
    private static final String SHARED = "";

    private final double perNano;
    private final double burst;
    private final int maxAddresses;
    private final LongSupplier nanoTime;
    private final Map<String, Bucket> buckets = new HashMap<>();
    private long lastSweep;
    private boolean swept;

    /**
     * @param perSecond sustained requests per second per address, positive
     * @param burst requests at once per address, at least 1
     * @param maxAddresses buckets kept at once, at least 1
     * @param nanoTime a monotonic clock in nanoseconds ({@code System::nanoTime})
     */
    public AddressRateLimiter(double perSecond, int burst, int maxAddresses, LongSupplier nanoTime) {
        if (!(perSecond > 0) || burst < 1 || maxAddresses < 1) {
            throw new IllegalArgumentException("need perSecond > 0, burst >= 1, maxAddresses >= 1, got " + perSecond
                    + ", " + burst + ", " + maxAddresses);
        }
        this.perNano = perSecond / 1e9;
        this.burst = burst;
        this.maxAddresses = maxAddresses;
        this.nanoTime = nanoTime;
    }

    /** Takes one request from {@code address}'s budget; returns false when it has none left. */
    public synchronized boolean tryAcquire(String address) {
        long now = nanoTime.getAsLong();
        Bucket bucket = buckets.get(address);
        if (bucket == null) {
            if (buckets.size() >= maxAddresses) {
                sweep(now);
            }
            String key = buckets.size() >= maxAddresses ? SHARED : address;
            bucket = buckets.computeIfAbsent(key, k -> new Bucket(burst, now));
        }
        return bucket.take(now, perNano, burst);
    }

    /** Returns how many addresses have a bucket. */
    public synchronized int trackedAddresses() {
        return buckets.size();
    }

    /** Drops the buckets that are full again, at most once every 100 ms (a full table is scanned whole). */
    private void sweep(long now) {
        if (swept && now - lastSweep < 100_000_000L) {
            return;
        }
        swept = true;
        lastSweep = now;
        for (Iterator<Map.Entry<String, Bucket>> it = buckets.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<String, Bucket> e = it.next();
            if (!e.getKey().equals(SHARED) && e.getValue().level(now, perNano, burst) >= burst) {
                it.remove();
            }
        }
    }

    private static final class Bucket {
        private double tokens;
        private long at;

        Bucket(double tokens, long at) {
            this.tokens = tokens;
            this.at = at;
        }

        double level(long now, double perNano, double burst) {
            return Math.min(burst, tokens + Math.max(0, now - at) * perNano);
        }

        boolean take(long now, double perNano, double burst) {
            tokens = level(now, perNano, burst);
            at = now;
            if (tokens < 1) {
                return false;
            }
            tokens -= 1;
            return true;
        }
    }
}
