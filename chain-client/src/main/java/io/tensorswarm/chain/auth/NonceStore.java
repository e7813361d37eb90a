package io.tensorswarm.chain.auth;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;

/**
 * Remembers the nonces of signed requests until they expire, with a fixed share per hotkey: each
 * hotkey holds at most {@code perHotkey} live nonces, and at most {@code maxHotkeys} hotkeys hold
 * any. A hotkey that uses up its share is refused until its own oldest nonces expire; it can never
 * push out another hotkey's nonces, so no caller can make another's request replayable or refused.
 * Nonces are 128-bit values kept as two longs (24 bytes each with the expiry), so memory is at most
 * {@code maxHotkeys × perHotkey × 24} bytes plus a small table. Safe for concurrent use.
 */
final class NonceStore {
    /** What a look-up or a claim found. */
    enum Outcome {
        /** The nonce is not remembered and the hotkey has room for it ({@link #peek}). */
        FREE,
        /** The nonce is now remembered ({@link #claim}). */
        CLAIMED,
        /** The nonce is remembered already: a replay. */
        SEEN,
        /** The hotkey holds its whole share of nonces. */
        HOTKEY_FULL,
        /** The hotkey holds none and {@code maxHotkeys} others hold some. */
        TABLE_FULL
    }

    private final int perHotkey;
    private final int maxHotkeys;
    private final Map<String, Ring> byHotkey = new HashMap<>();
    private boolean purged;
    private long lastPurgeMillis;

    NonceStore(int perHotkey, int maxHotkeys) {
        if (perHotkey < 1 || maxHotkeys < 1) {
            throw new IllegalArgumentException("need perHotkey >= 1 and maxHotkeys >= 1, got " + perHotkey + " and "
                    + maxHotkeys);
        }
        this.perHotkey = perHotkey;
        this.maxHotkeys = maxHotkeys;
    }

    /** Says whether {@link #claim} would succeed now, without remembering anything. */
    synchronized Outcome peek(String hotkey, long hi, long lo, long nowMillis) {
        Ring ring = byHotkey.get(hotkey);
        if (ring == null) {
            return byHotkey.size() >= maxHotkeys && !purgeHotkeys(nowMillis) ? Outcome.TABLE_FULL : Outcome.FREE;
        }
        ring.purge(nowMillis);
        if (ring.contains(hi, lo)) {
            return Outcome.SEEN;
        }
        return ring.size >= perHotkey ? Outcome.HOTKEY_FULL : Outcome.FREE;
    }

    /** Remembers the nonce until {@code expiresAtMillis}, unless it is remembered already or there is no room. */
    synchronized Outcome claim(String hotkey, long hi, long lo, long nowMillis, long expiresAtMillis) {
        Ring ring = byHotkey.get(hotkey);
        if (ring == null) {
            if (byHotkey.size() >= maxHotkeys && !purgeHotkeys(nowMillis)) {
                return Outcome.TABLE_FULL;
            }
            ring = new Ring();
            byHotkey.put(hotkey, ring);
        }
        ring.purge(nowMillis);
        if (ring.contains(hi, lo)) {
            return Outcome.SEEN;
        }
        if (ring.size >= perHotkey) {
            return Outcome.HOTKEY_FULL;
        }
        ring.add(hi, lo, expiresAtMillis, perHotkey);
        return Outcome.CLAIMED;
    }

    /** Returns how many nonces are remembered (expired ones included until a call purges them). */
    synchronized int size() {
        int n = 0;
        for (Ring r : byHotkey.values()) {
            n += r.size;
        }
        return n;
    }

    /** Returns the share of one hotkey. */
    int perHotkey() {
        return perHotkey;
    }

    /** Returns how many hotkeys hold nonces. */
    synchronized int hotkeys() {
        return byHotkey.size();
    }

    /**
     * Drops hotkeys whose nonces all expired, at most once a second (a full table is scanned whole);
     * returns whether there is room for another hotkey.
     */
    private boolean purgeHotkeys(long nowMillis) {
        if (purged && nowMillis >= lastPurgeMillis && nowMillis - lastPurgeMillis < 1000) {
            return byHotkey.size() < maxHotkeys;
        }
        purged = true;
        lastPurgeMillis = nowMillis;
        for (Iterator<Ring> it = byHotkey.values().iterator(); it.hasNext(); ) {
            Ring r = it.next();
            r.purge(nowMillis);
            if (r.size == 0) {
                it.remove();
            }
        }
        return byHotkey.size() < maxHotkeys;
    }

    /**
     * One hotkey's nonces in claim order (so in expiry order while the clock does not go back), in
     * a circular buffer that grows by doubling up to the share.
     */
    private static final class Ring {
        private long[] his = new long[8];
        private long[] los = new long[8];
        private long[] expiries = new long[8];
        private int head;
        private int size;

        boolean contains(long hi, long lo) {
            int cap = his.length;
            for (int i = 0, at = head; i < size; i++, at = at + 1 == cap ? 0 : at + 1) {
                if (his[at] == hi && los[at] == lo) {
                    return true;
                }
            }
            return false;
        }

        void purge(long nowMillis) {
            while (size > 0 && expiries[head] <= nowMillis) {
                head = head + 1 == his.length ? 0 : head + 1;
                size--;
            }
        }

        void add(long hi, long lo, long expiresAt, int limit) {
            if (size == his.length) {
                grow(Math.min(Math.max(his.length * 2, 8), Math.max(limit, size + 1)));
            }
            int at = (head + size) % his.length;
            his[at] = hi;
            los[at] = lo;
            expiries[at] = expiresAt;
            size++;
        }

        private void grow(int capacity) {
            long[] h = new long[capacity];
            long[] l = new long[capacity];
            long[] e = new long[capacity];
            for (int i = 0; i < size; i++) {
                int from = (head + i) % his.length;
                h[i] = his[from];
                l[i] = los[from];
                e[i] = expiries[from];
            }
            his = h;
            los = l;
            expiries = e;
            head = 0;
        }
    }
}
