package io.tensorswarm.chain.crypto;

import java.util.Arrays;

/**
 * The subset of STROBE-128 (v1.0.2) that Merlin uses: meta-AD, AD, PRF and KEY over a
 * Keccak-f[1600] sponge with rate 166. Byte-for-byte the construction of
 * {@code dalek-cryptography/merlin src/strobe.rs} (chain-spec §6.4). Not thread-safe.
 */
final class Strobe128 {
    private static final int RATE = 166;
    private static final int FLAG_I = 1;
    private static final int FLAG_A = 1 << 1;
    private static final int FLAG_C = 1 << 2;
    private static final int FLAG_T = 1 << 3;
    private static final int FLAG_M = 1 << 4;
    private static final int FLAG_K = 1 << 5;

    private final byte[] state;
    private int pos;
    private int posBegin;
    private int curFlags;

    /** Starts a STROBE-128 instance and absorbs {@code protocolLabel} as meta-AD. */
    Strobe128(byte[] protocolLabel) {
        state = new byte[200];
        byte[] header = {1, (byte) (RATE + 2), 1, 0, 1, 96};
        System.arraycopy(header, 0, state, 0, header.length);
        byte[] version = "STROBEv1.0.2".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        System.arraycopy(version, 0, state, 6, version.length);
        KeccakF1600.permute(state);
        metaAd(protocolLabel, false);
    }

    private Strobe128(Strobe128 other) {
        state = other.state.clone();
        pos = other.pos;
        posBegin = other.posBegin;
        curFlags = other.curFlags;
    }

    /** Returns an independent copy of this state. */
    Strobe128 copy() {
        return new Strobe128(this);
    }

    void metaAd(byte[] data, boolean more) {
        beginOp(FLAG_M | FLAG_A, more);
        absorb(data);
    }

    void ad(byte[] data, boolean more) {
        beginOp(FLAG_A, more);
        absorb(data);
    }

    void prf(byte[] out, boolean more) {
        beginOp(FLAG_I | FLAG_A | FLAG_C, more);
        squeeze(out);
    }

    void key(byte[] data, boolean more) {
        beginOp(FLAG_A | FLAG_C, more);
        overwrite(data);
    }

    /** Overwrites the sponge state with zeros; the instance is unusable afterwards. */
    void wipe() {
        Arrays.fill(state, (byte) 0);
    }

    private void runF() {
        state[pos] ^= (byte) posBegin;
        state[pos + 1] ^= 0x04;
        state[RATE + 1] ^= (byte) 0x80;
        KeccakF1600.permute(state);
        pos = 0;
        posBegin = 0;
    }

    private void absorb(byte[] data) {
        for (byte b : data) {
            state[pos] ^= b;
            advance();
        }
    }

    private void overwrite(byte[] data) {
        for (byte b : data) {
            state[pos] = b;
            advance();
        }
    }

    private void squeeze(byte[] out) {
        for (int i = 0; i < out.length; i++) {
            out[i] = state[pos];
            state[pos] = 0;
            advance();
        }
    }

    private void advance() {
        pos++;
        if (pos == RATE) {
            runF();
        }
    }

    private void beginOp(int flags, boolean more) {
        if (more) {
            if (curFlags != flags) {
                throw new IllegalStateException("STROBE continued an operation with different flags");
            }
            return;
        }
        if ((flags & FLAG_T) != 0) {
            throw new IllegalArgumentException("STROBE transport operations are not supported");
        }
        int oldBegin = posBegin;
        posBegin = pos + 1;
        curFlags = flags;
        absorb(new byte[] {(byte) oldBegin, (byte) flags});
        boolean forceF = (flags & (FLAG_C | FLAG_K)) != 0;
        if (forceF && pos != 0) {
            runF();
        }
    }
}
