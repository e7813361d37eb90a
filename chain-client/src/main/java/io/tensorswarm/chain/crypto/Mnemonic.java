package io.tensorswarm.chain.crypto;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Locale;
import org.bouncycastle.crypto.digests.SHA512Digest;
import org.bouncycastle.crypto.generators.PKCS5S2ParametersGenerator;
import org.bouncycastle.crypto.params.KeyParameter;

/**
 * A checksum-valid BIP39 English mnemonic and the Substrate mini-secret derived from its entropy
 * ({@code substrate-bip39}: PBKDF2-HMAC-SHA512 over the entropy, not over the phrase text;
 * chain-spec §6.1). Immutable. {@link #toString()} never shows the words.
 *
 * <pre>{@code
 * Mnemonic m = Mnemonic.generate();            // 12 words
 * Sr25519KeyPair pair = Sr25519KeyPair.fromMnemonic(m);
 * }</pre>
 */
public final class Mnemonic {
    /** Default word count of a new mnemonic (btcli's default). */
    public static final int DEFAULT_WORD_COUNT = 12;

    private static final int PBKDF2_ITERATIONS = 2048;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String phrase;
    private final byte[] entropy;

    private Mnemonic(String phrase, byte[] entropy) {
        this.phrase = phrase;
        this.entropy = entropy;
    }

    /**
     * Parses and validates a phrase (words separated by whitespace, case-insensitive).
     *
     * @throws CryptoException if the word count is not 12/15/18/21/24, a word is not in the
     *     English list, or the checksum fails; the message names positions, never words
     */
    public static Mnemonic parse(String phrase) {
        String[] words = phrase.strip().toLowerCase(Locale.ROOT).split("\\s+");
        int n = words.length;
        if (phrase.isBlank() || n % 3 != 0 || n < 12 || n > 24) {
            throw new CryptoException("Invalid mnemonic: " + (phrase.isBlank() ? 0 : n)
                    + " words, expected 12, 15, 18, 21 or 24");
        }
        int totalBits = n * 11;
        int checksumBits = totalBits / 33;
        int entropyBits = totalBits - checksumBits;
        byte[] bits = new byte[(totalBits + 7) / 8];
        for (int w = 0; w < n; w++) {
            int index = Bip39WordList.indexOf(words[w]);
            if (index < 0) {
                throw new CryptoException("Invalid mnemonic: word " + (w + 1) + " is not in the BIP39 English word list");
            }
            for (int b = 0; b < 11; b++) {
                if ((index & (1 << (10 - b))) != 0) {
                    int pos = w * 11 + b;
                    bits[pos / 8] |= (byte) (0x80 >>> (pos % 8));
                }
            }
        }
        byte[] entropy = Arrays.copyOf(bits, entropyBits / 8);
        int expected = (sha256(entropy)[0] & 0xFF) >>> (8 - checksumBits);
        int actual = 0;
        for (int b = 0; b < checksumBits; b++) {
            int pos = entropyBits + b;
            actual = (actual << 1) | ((bits[pos / 8] >>> (7 - pos % 8)) & 1);
        }
        Arrays.fill(bits, (byte) 0);
        if (expected != actual) {
            throw new CryptoException("Invalid mnemonic: checksum mismatch (a word is wrong or misplaced)");
        }
        return new Mnemonic(String.join(" ", words), entropy);
    }

    /** Returns the mnemonic encoding {@code entropy} (16, 20, 24, 28 or 32 bytes). */
    public static Mnemonic fromEntropy(byte[] entropy) {
        int len = entropy.length;
        if (len % 4 != 0 || len < 16 || len > 32) {
            throw new IllegalArgumentException("BIP39 entropy must be 16, 20, 24, 28 or 32 bytes, got " + len);
        }
        int entropyBits = len * 8;
        int checksumBits = entropyBits / 32;
        byte[] bits = Arrays.copyOf(entropy, len + 1);
        bits[len] = sha256(entropy)[0];
        int words = (entropyBits + checksumBits) / 11;
        StringBuilder sb = new StringBuilder();
        for (int w = 0; w < words; w++) {
            int index = 0;
            for (int b = 0; b < 11; b++) {
                int pos = w * 11 + b;
                index = (index << 1) | ((bits[pos / 8] >>> (7 - pos % 8)) & 1);
            }
            if (w > 0) {
                sb.append(' ');
            }
            sb.append(Bip39WordList.word(index));
        }
        Arrays.fill(bits, (byte) 0);
        return new Mnemonic(sb.toString(), entropy.clone());
    }

    /** Returns a new random 12-word mnemonic. */
    public static Mnemonic generate() {
        return generate(DEFAULT_WORD_COUNT);
    }

    /** Returns a new random mnemonic of {@code wordCount} (12, 15, 18, 21 or 24) words. */
    public static Mnemonic generate(int wordCount) {
        if (wordCount % 3 != 0 || wordCount < 12 || wordCount > 24) {
            throw new IllegalArgumentException("word count must be 12, 15, 18, 21 or 24, got " + wordCount);
        }
        byte[] entropy = new byte[wordCount * 4 / 3];
        RANDOM.nextBytes(entropy);
        Mnemonic m = fromEntropy(entropy);
        Arrays.fill(entropy, (byte) 0);
        return m;
    }

    /** Returns the normalized phrase (lowercase words, single spaces). Secret: do not log it. */
    public String phrase() {
        return phrase;
    }

    /** Returns the number of words. */
    public int wordCount() {
        return phrase.split(" ").length;
    }

    /** Returns a copy of the entropy. */
    public byte[] entropy() {
        return entropy.clone();
    }

    /**
     * Returns the 64-byte seed {@code PBKDF2-HMAC-SHA512(entropy, "mnemonic" ‖ passphrase, 2048)}.
     */
    public byte[] toSeed(String passphrase) {
        PKCS5S2ParametersGenerator generator = new PKCS5S2ParametersGenerator(new SHA512Digest());
        generator.init(entropy, ("mnemonic" + passphrase).getBytes(StandardCharsets.UTF_8), PBKDF2_ITERATIONS);
        return ((KeyParameter) generator.generateDerivedParameters(512)).getKey();
    }

    /** Returns the 32-byte Substrate mini-secret: the first half of {@link #toSeed(String)}. */
    public byte[] toMiniSecret(String passphrase) {
        byte[] seed = toSeed(passphrase);
        byte[] mini = Arrays.copyOf(seed, 32);
        Arrays.fill(seed, (byte) 0);
        return mini;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Mnemonic other && other.phrase.equals(phrase);
    }

    @Override
    public int hashCode() {
        return phrase.hashCode();
    }

    /** Returns {@code Mnemonic[N words, redacted]}. */
    @Override
    public String toString() {
        return "Mnemonic[" + wordCount() + " words, redacted]";
    }

    private static byte[] sha256(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
