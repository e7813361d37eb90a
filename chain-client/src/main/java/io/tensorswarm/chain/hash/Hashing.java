package io.tensorswarm.chain.hash;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/**
 * Substrate's hash functions: twox64/128/256 (xxHash64 with seeds 0, 1, 2, 3, each written
 * little-endian and concatenated) and unkeyed BLAKE2b with 16-, 32- or 64-byte digests.
 */
public final class Hashing {
    private Hashing() {}

    /** Returns twox64: xxHash64(seed 0) as 8 little-endian bytes. */
    public static byte[] twox64(byte[] data) {
        return twox(data, 1);
    }

    /** Returns twox128: xxHash64 seeds 0 and 1, 16 bytes. */
    public static byte[] twox128(byte[] data) {
        return twox(data, 2);
    }

    /** Returns twox256: xxHash64 seeds 0 to 3, 32 bytes. */
    public static byte[] twox256(byte[] data) {
        return twox(data, 4);
    }

    private static byte[] twox(byte[] data, int lanes) {
        byte[] out = new byte[8 * lanes];
        for (int seed = 0; seed < lanes; seed++) {
            long h = XxHash64.hash(data, seed);
            for (int b = 0; b < 8; b++) {
                out[seed * 8 + b] = (byte) (h >>> (8 * b));
            }
        }
        return out;
    }

    /** Returns unkeyed BLAKE2b-128 (16 bytes). */
    public static byte[] blake2b128(byte[] data) {
        return blake2b(data, 16);
    }

    /** Returns unkeyed BLAKE2b-256 (32 bytes), Substrate's block and extrinsic hash. */
    public static byte[] blake2b256(byte[] data) {
        return blake2b(data, 32);
    }

    /** Returns unkeyed BLAKE2b-512 (64 bytes). */
    public static byte[] blake2b512(byte[] data) {
        return blake2b(data, 64);
    }

    private static byte[] blake2b(byte[] data, int bytes) {
        Blake2bDigest digest = new Blake2bDigest(bytes * 8);
        digest.update(data, 0, data.length);
        byte[] out = new byte[bytes];
        digest.doFinal(out, 0);
        return out;
    }
}
