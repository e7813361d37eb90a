package io.tensorswarm.chain.crypto;

/**
 * The Keccak-f[1600] permutation (FIPS 202, section 3) over a 200-byte state read as 25
 * little-endian 64-bit lanes. STROBE needs the bare permutation, which hash APIs do not expose.
 */
final class KeccakF1600 {
    private static final int ROUNDS = 24;

    private static final long[] ROUND_CONSTANTS = {
        0x0000000000000001L, 0x0000000000008082L, 0x800000000000808AL, 0x8000000080008000L,
        0x000000000000808BL, 0x0000000080000001L, 0x8000000080008081L, 0x8000000000008009L,
        0x000000000000008AL, 0x0000000000000088L, 0x0000000080008009L, 0x000000008000000AL,
        0x000000008000808BL, 0x800000000000008BL, 0x8000000000008089L, 0x8000000000008003L,
        0x8000000000008002L, 0x8000000000000080L, 0x000000000000800AL, 0x800000008000000AL,
        0x8000000080008081L, 0x8000000000008080L, 0x0000000080000001L, 0x8000000080008008L,
    };

    /** Rotation offsets r[x + 5y] of the rho step. */
    private static final int[] RHO = {
        0, 1, 62, 28, 27,
        36, 44, 6, 55, 20,
        3, 10, 43, 25, 39,
        41, 45, 15, 21, 8,
        18, 2, 61, 56, 14,
    };

    private KeccakF1600() {}

    /** Permutes the 200-byte {@code state} in place. */
    static void permute(byte[] state) {
        if (state.length != 200) {
            throw new IllegalArgumentException("Keccak-f[1600] state must be 200 bytes");
        }
        long[] lanes = new long[25];
        for (int i = 0; i < 25; i++) {
            lanes[i] = readLongLe(state, 8 * i);
        }
        permute(lanes);
        for (int i = 0; i < 25; i++) {
            writeLongLe(lanes[i], state, 8 * i);
        }
    }

    /** Permutes 25 lanes in place; lane (x, y) sits at index {@code x + 5y}. */
    static void permute(long[] a) {
        long[] c = new long[5];
        long[] b = new long[25];
        for (int round = 0; round < ROUNDS; round++) {
            // theta
            for (int x = 0; x < 5; x++) {
                c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20];
            }
            for (int x = 0; x < 5; x++) {
                long d = c[(x + 4) % 5] ^ Long.rotateLeft(c[(x + 1) % 5], 1);
                for (int y = 0; y < 25; y += 5) {
                    a[x + y] ^= d;
                }
            }
            // rho and pi: B[y, 2x + 3y] = rot(A[x, y], r[x, y])
            for (int x = 0; x < 5; x++) {
                for (int y = 0; y < 5; y++) {
                    int from = x + 5 * y;
                    int to = y + 5 * ((2 * x + 3 * y) % 5);
                    b[to] = Long.rotateLeft(a[from], RHO[from]);
                }
            }
            // chi
            for (int y = 0; y < 25; y += 5) {
                for (int x = 0; x < 5; x++) {
                    a[x + y] = b[x + y] ^ (~b[(x + 1) % 5 + y] & b[(x + 2) % 5 + y]);
                }
            }
            // iota
            a[0] ^= ROUND_CONSTANTS[round];
        }
    }

    private static long readLongLe(byte[] in, int off) {
        long v = 0;
        for (int i = 7; i >= 0; i--) {
            v = (v << 8) | (in[off + i] & 0xFFL);
        }
        return v;
    }

    private static void writeLongLe(long v, byte[] out, int off) {
        for (int i = 0; i < 8; i++) {
            out[off + i] = (byte) (v >>> (8 * i));
        }
    }
}
