package io.tensorswarm.chain.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import org.bouncycastle.crypto.engines.XSalsa20Engine;
import org.bouncycastle.crypto.macs.Poly1305;
import org.bouncycastle.crypto.params.KeyParameter;
import org.bouncycastle.crypto.params.ParametersWithIV;

/**
 * NaCl {@code crypto_secretbox} (XSalsa20-Poly1305), composed as libsodium's
 * {@code crypto_secretbox_easy}: the first 32 keystream bytes key a one-time Poly1305, the message
 * is XOR-ed with the keystream that follows, and the 16-byte tag precedes the ciphertext.
 */
public final class SecretBox {
    /** Key length. */
    public static final int KEY_LENGTH = 32;
    /** Nonce length. */
    public static final int NONCE_LENGTH = 24;
    /** Authentication tag length. */
    public static final int TAG_LENGTH = 16;

    private SecretBox() {}

    /** Returns {@code tag ‖ ciphertext} of {@code plaintext}. */
    public static byte[] seal(byte[] key, byte[] nonce, byte[] plaintext) {
        XSalsa20Engine stream = stream(key, nonce);
        byte[] polyKey = new byte[KEY_LENGTH];
        stream.processBytes(polyKey, 0, KEY_LENGTH, polyKey, 0);
        byte[] out = new byte[TAG_LENGTH + plaintext.length];
        stream.processBytes(plaintext, 0, plaintext.length, out, TAG_LENGTH);
        byte[] tag = mac(polyKey, out, TAG_LENGTH, plaintext.length);
        System.arraycopy(tag, 0, out, 0, TAG_LENGTH);
        Arrays.fill(polyKey, (byte) 0);
        return out;
    }

    /**
     * Returns the plaintext of {@code tag ‖ ciphertext}.
     *
     * @throws CryptoException if the box is too short or the tag does not match (wrong key or
     *     tampered data)
     */
    public static byte[] open(byte[] key, byte[] nonce, byte[] boxed) {
        if (boxed.length < TAG_LENGTH) {
            throw new CryptoException("secretbox is shorter than its 16-byte tag");
        }
        XSalsa20Engine stream = stream(key, nonce);
        byte[] polyKey = new byte[KEY_LENGTH];
        stream.processBytes(polyKey, 0, KEY_LENGTH, polyKey, 0);
        byte[] expected = mac(polyKey, boxed, TAG_LENGTH, boxed.length - TAG_LENGTH);
        Arrays.fill(polyKey, (byte) 0);
        if (!MessageDigest.isEqual(expected, Arrays.copyOf(boxed, TAG_LENGTH))) {
            throw new CryptoException("secretbox authentication failed (wrong key or corrupted data)");
        }
        byte[] plaintext = new byte[boxed.length - TAG_LENGTH];
        stream.processBytes(boxed, TAG_LENGTH, plaintext.length, plaintext, 0);
        return plaintext;
    }

    private static XSalsa20Engine stream(byte[] key, byte[] nonce) {
        if (key.length != KEY_LENGTH || nonce.length != NONCE_LENGTH) {
            throw new IllegalArgumentException("secretbox needs a 32-byte key and a 24-byte nonce");
        }
        XSalsa20Engine engine = new XSalsa20Engine();
        engine.init(true, new ParametersWithIV(new KeyParameter(key), nonce));
        return engine;
    }

    private static byte[] mac(byte[] polyKey, byte[] data, int off, int len) {
        Poly1305 poly = new Poly1305();
        poly.init(new KeyParameter(polyKey));
        poly.update(data, off, len);
        byte[] tag = new byte[TAG_LENGTH];
        poly.doFinal(tag, 0);
        return tag;
    }
}
