package io.tensorswarm.chain.auth;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers nonces until they expire, up to a fixed count. Entries are kept in insertion order,
 * and expire in that order as long as the clock does not go backward. Safe for concurrent use.
 */
final class NonceCache {
    /** What {@link #remember} did. */
    enum Outcome { REMEMBERED, SEEN, FULL }

    private final int capacity;
    private final LinkedHashMap<String, Long> expiryByKey = new LinkedHashMap<>();

    NonceCache(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("nonce capacity must be at least 1, got " + capacity);
        }
        this.capacity = capacity;
    }

    /** Returns whether {@code key} is remembered and not expired at {@code nowMillis}. */
    synchronized boolean contains(String key, long nowMillis) {
        purge(nowMillis);
        return expiryByKey.containsKey(key);
    }

    /** Remembers {@code key} until {@code expiresAtMillis}, unless it is remembered already or the cache is full. */
    synchronized Outcome remember(String key, long nowMillis, long expiresAtMillis) {
        purge(nowMillis);
        if (expiryByKey.containsKey(key)) {
            return Outcome.SEEN;
        }
        if (expiryByKey.size() >= capacity) {
            return Outcome.FULL;
        }
        expiryByKey.put(key, expiresAtMillis);
        return Outcome.REMEMBERED;
    }

    /** Returns how many nonces are remembered (expired ones included until the next call purges them). */
    synchronized int size() {
        return expiryByKey.size();
    }

    private void purge(long nowMillis) {
        Iterator<Map.Entry<String, Long>> it = expiryByKey.entrySet().iterator();
        while (it.hasNext()) {
            if (it.next().getValue() > nowMillis) {
                return;
            }
            it.remove();
        }
    }
}
