package io.tensorswarm.chain.crypto;

import cafe.cryptography.curve25519.Scalar;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * A Merlin v1.0 transcript: a STROBE-128 duplex into which a protocol appends labelled messages
 * and from which it draws challenges, as {@code dalek-cryptography/merlin} does (chain-spec §6.4).
 * Schnorrkel signing contexts and HDKD derivation are built on it. Not thread-safe; use
 * {@link #copy()} to fork.
 *
 * <pre>{@code
 * MerlinTranscript t = new MerlinTranscript("test protocol");
 * t.appendMessage("some label", "some data".getBytes(UTF_8));
 * byte[] challenge = t.challengeBytes("challenge", 32);
 * }</pre>
 */
public final class MerlinTranscript {
    private static final byte[] MERLIN_PROTOCOL_LABEL = ascii("Merlin v1.0");

    private final Strobe128 strobe;

    /** Starts a transcript for the protocol named {@code label} (appended as "dom-sep"). */
    public MerlinTranscript(String label) {
        this(label.getBytes(StandardCharsets.UTF_8));
    }

    /** Starts a transcript for the protocol named by the raw bytes {@code label}. */
    public MerlinTranscript(byte[] label) {
        strobe = new Strobe128(MERLIN_PROTOCOL_LABEL);
        appendMessage(ascii("dom-sep"), label);
    }

    private MerlinTranscript(Strobe128 strobe) {
        this.strobe = strobe;
    }

    /** Returns an independent copy; appending to one does not affect the other. */
    public MerlinTranscript copy() {
        return new MerlinTranscript(strobe.copy());
    }

    /** Appends {@code message} under {@code label}. */
    public void appendMessage(String label, byte[] message) {
        appendMessage(ascii(label), message);
    }

    /** Appends {@code message} under the raw label bytes. */
    public void appendMessage(byte[] label, byte[] message) {
        strobe.metaAd(label, false);
        strobe.metaAd(le32(message.length), true);
        strobe.ad(message, false);
    }

    /** Returns {@code length} challenge bytes bound to everything appended so far. */
    public byte[] challengeBytes(String label, int length) {
        byte[] out = new byte[length];
        strobe.metaAd(ascii(label), false);
        strobe.metaAd(le32(length), true);
        strobe.prf(out, false);
        return out;
    }

    /** Returns a scalar from 64 challenge bytes reduced mod ℓ (schnorrkel {@code challenge_scalar}). */
    Scalar challengeScalar(String label) {
        return Scalar.fromBytesModOrderWide(challengeBytes(label, 64));
    }

    /**
     * Returns a witness scalar (schnorrkel {@code witness_scalar}): a forked RNG keyed with the
     * transcript, {@code secret} under {@code label}, and 32 bytes of {@code random}.
     */
    Scalar witnessScalar(String label, byte[] secret, byte[] random32) {
        return Scalar.fromBytesModOrderWide(witnessBytes(label, random32, 64, secret));
    }

    /**
     * Returns {@code length} witness bytes (schnorrkel {@code witness_bytes}): the transcript's
     * state forked, rekeyed with each of {@code secrets} under {@code label}, then with
     * {@code random32}.
     */
    byte[] witnessBytes(String label, byte[] random32, int length, byte[]... secrets) {
        if (random32.length != 32) {
            throw new IllegalArgumentException("witness randomness must be 32 bytes");
        }
        Strobe128 rng = strobe.copy();
        try {
            for (byte[] secret : secrets) {
                rng.metaAd(ascii(label), false);
                rng.metaAd(le32(secret.length), true);
                rng.key(secret, false);
            }
            rng.metaAd(ascii("rng"), false);
            rng.key(random32, false);
            byte[] out = new byte[length];
            rng.metaAd(le32(length), false);
            rng.prf(out, false);
            return out;
        } finally {
            rng.wipe();
        }
    }

    /** Returns 32 bytes from {@code random}, the OS randomness mixed into witnesses. */
    static byte[] freshRandom(SecureRandom random) {
        byte[] out = new byte[32];
        random.nextBytes(out);
        return out;
    }

    private static byte[] le32(int n) {
        return new byte[] {(byte) n, (byte) (n >>> 8), (byte) (n >>> 16), (byte) (n >>> 24)};
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
