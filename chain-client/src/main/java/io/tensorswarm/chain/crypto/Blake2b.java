package io.tensorswarm.chain.crypto;

import org.bouncycastle.crypto.digests.Blake2bDigest;

/** Unkeyed BLAKE2b with a chosen digest length, over the concatenation of the given parts. */
final class Blake2b {
    private Blake2b() {}

    /** Returns BLAKE2b-{@code bits} of {@code parts} concatenated. */
    static byte[] hash(int bits, byte[]... parts) {
        Blake2bDigest digest = new Blake2bDigest(bits);
        for (byte[] part : parts) {
            digest.update(part, 0, part.length);
        }
        byte[] out = new byte[bits / 8];
        digest.doFinal(out, 0);
        return out;
    }
}
