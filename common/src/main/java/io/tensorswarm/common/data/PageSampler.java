package io.tensorswarm.common.data;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Picks page indices deterministically from a seed, so that anyone can recompute a miner's
 * assignment or a round's evaluation set.
 *
 * <p>The algorithm, exactly (all integers big-endian, strings UTF-8):
 * <ol>
 *   <li>Seed: {@code S = SHA-256(tag || 0x00 || payload)}, with the tags and payloads of
 *       {@link #assignedSeed} and {@link #evalSeed}.
 *   <li>Random words: block {@code k} is {@code SHA-256(S || k)} with {@code k} an 8-byte integer,
 *       {@code k = 0, 1, 2, ...}; each block yields four unsigned 64-bit words in order.
 *   <li>Uniform draw below {@code b}: take words {@code x} until {@code x < 2^64 - (2^64 mod b)},
 *       return {@code x mod b}.
 *   <li>Sample {@code n} indices of {@code [0, count)}: a Fisher-Yates shuffle run lazily: for
 *       output {@code i}, let {@code p = i mod count}; when {@code p == 0} start from the identity
 *       permutation; draw {@code j = p + uniform(count - p)}, swap positions {@code p} and
 *       {@code j}, output position {@code p}. So the first {@code count} outputs are distinct, and
 *       a larger {@code n} wraps into a fresh permutation.
 *   <li>With an exclusion set, outputs in it are dropped and drawing goes on until {@code n} are
 *       kept.
 * </ol>
 *
 * <p>{@code scripts/page_sampler_reference.py} implements the same steps in Python.
 */
public final class PageSampler {
    static final String ASSIGNED_TAG = "tensorswarm/assigned-pages/v1";
    static final String EVAL_TAG = "tensorswarm/eval-pages/v1";

    private final byte[] seed;
    private long block;
    private ByteBuffer words = ByteBuffer.allocate(0);

    private PageSampler(byte[] seed) {
        this.seed = seed.clone();
    }

    /**
     * Returns the seed of a miner's training pages: payload = round (8 bytes), hotkey byte length
     * (4 bytes), hotkey, fingerprint (its 64 hex characters).
     */
    public static byte[] assignedSeed(long round, String hotkey, String fingerprint) {
        byte[] key = hotkey.getBytes(StandardCharsets.UTF_8);
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(8 + 4 + key.length + fp.length);
        payload.putLong(round).putInt(key.length).put(key).put(fp);
        return tagged(ASSIGNED_TAG, payload.array());
    }

    /**
     * Returns the seed of evaluation pages: payload = seed byte length (4 bytes), seed bytes,
     * fingerprint (its 64 hex characters). A {@code long} seed is its 8 big-endian bytes.
     */
    public static byte[] evalSeed(byte[] seed, String fingerprint) {
        byte[] fp = fingerprint.getBytes(StandardCharsets.UTF_8);
        ByteBuffer payload = ByteBuffer.allocate(4 + seed.length + fp.length);
        payload.putInt(seed.length).put(seed).put(fp);
        return tagged(EVAL_TAG, payload.array());
    }

    /**
     * Returns {@code n} indices below {@code count} drawn from {@code seed} (see the class comment).
     *
     * @throws IllegalArgumentException when {@code count < 1} or {@code n < 0}
     */
    public static long[] sample(byte[] seed, long count, int n) {
        return sample(seed, count, n, index -> false);
    }

    /**
     * Returns {@code n} indices below {@code count} drawn from {@code seed}, skipping those for
     * which {@code excluded} is true: the outputs of {@link #sample(byte[], long, int)} in order,
     * with excluded ones dropped, until {@code n} are kept. Validators use it to draw evaluation
     * pages that no miner was assigned.
     *
     * @throws IllegalArgumentException when {@code count < 1} or {@code n < 0}
     * @throws DataException when {@code n > 0} and every index below {@code count} is excluded
     */
    public static long[] sample(byte[] seed, long count, int n, LongPredicate excluded) {
        if (count < 1 || n < 0) {
            throw new IllegalArgumentException("need count >= 1 and n >= 0, got count=" + count + " n=" + n);
        }
        PageSampler random = new PageSampler(seed);
        Map<Long, Long> swapped = new HashMap<>();
        long[] out = new long[n];
        int kept = 0;
        boolean keptThisPass = false;
        for (long i = 0; kept < n; i++) {
            long p = i % count;
            if (p == 0) {
                if (i > 0 && !keptThisPass) {
                    throw new DataException("all " + count + " pages are excluded: none left to sample");
                }
                swapped.clear();
                keptThisPass = false;
            }
            long j = p + random.uniform(count - p);
            long atP = swapped.getOrDefault(p, p);
            long atJ = swapped.getOrDefault(j, j);
            swapped.put(j, atP);
            swapped.put(p, atJ);
            if (!excluded.test(atJ)) {
                out[kept++] = atJ;
                keptThisPass = true;
            }
        }
        return out;
    }

    /**
     * Returns the outputs of {@link #sample(byte[], long, int)} one at a time, for as many as are asked:
     * the {@code k}-th call returns {@code sample(seed, count, N)[k]} for every {@code N > k} (the lazy
     * Fisher-Yates shuffle draws output {@code k} from the first words only, so a longer sample extends a
     * shorter one). Memory grows with the outputs drawn in the current pass, not with how many might be.
     * Not thread-safe.
     *
     * @throws IllegalArgumentException when {@code count < 1}
     */
    public static LongSupplier sequence(byte[] seed, long count) {
        if (count < 1) {
            throw new IllegalArgumentException("need count >= 1, got count=" + count);
        }
        PageSampler random = new PageSampler(seed);
        Map<Long, Long> swapped = new HashMap<>();
        long[] i = {0};
        return () -> {
            long p = i[0]++ % count;
            if (p == 0) {
                swapped.clear();
            }
            long j = p + random.uniform(count - p);
            long atP = swapped.getOrDefault(p, p);
            long atJ = swapped.getOrDefault(j, j);
            swapped.put(j, atP);
            swapped.put(p, atJ);
            return atJ;
        };
    }

    private static byte[] tagged(String tag, byte[] payload) {
        MessageDigest digest = FileSetDataset.sha256();
        digest.update(tag.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(payload);
        return digest.digest();
    }

    private long uniform(long bound) {
        // r = 2^64 mod bound; accept x < 2^64 - r (as unsigned); r == 0 accepts every word
        long r = Long.remainderUnsigned(Long.remainderUnsigned(-1L, bound) + 1, bound);
        long threshold = -r;
        while (true) {
            long x = nextWord();
            if (r == 0 || Long.compareUnsigned(x, threshold) < 0) {
                return Long.remainderUnsigned(x, bound);
            }
        }
    }

    private long nextWord() {
        if (!words.hasRemaining()) {
            MessageDigest digest = FileSetDataset.sha256();
            digest.update(seed);
            digest.update(ByteBuffer.allocate(8).putLong(block++).array());
            words = ByteBuffer.wrap(digest.digest());
        }
        return words.getLong();
    }
}
