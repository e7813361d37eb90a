package io.tensorswarm.chain.wallet;

import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.SecretBox;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import org.bouncycastle.crypto.generators.Argon2BytesGenerator;
import org.bouncycastle.crypto.params.Argon2Parameters;

/**
 * Encrypts and decrypts btwallet {@code $NACL} key files: {@code "$NACL" ‖ nonce(24) ‖ tag(16) ‖
 * ciphertext}, keyed by Argon2i13 of the password with btwallet's fixed {@code NACL_SALT}
 * (chain-spec §7.3). Safe for concurrent use. Each call allocates the Argon2 memory (512 MiB for
 * {@link Argon2Settings#SENSITIVE}).
 */
public final class NaclKeyfileCipher {
    /** The cipher btwallet uses. */
    public static final NaclKeyfileCipher STANDARD = new NaclKeyfileCipher(Argon2Settings.SENSITIVE);

    static final byte[] MAGIC = "$NACL".getBytes(StandardCharsets.US_ASCII);
    /** btwallet {@code NACL_SALT}. */
    static final byte[] SALT = HexFormat.of().parseHex("137183dff15a09bc9c90b5518739e9b1");

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Argon2Settings settings;

    /** Returns a cipher with non-standard Argon2 costs; files it writes are not btwallet-compatible. */
    public static NaclKeyfileCipher withSettings(Argon2Settings settings) {
        return new NaclKeyfileCipher(settings);
    }

    private NaclKeyfileCipher(Argon2Settings settings) {
        this.settings = settings;
    }

    /** Returns the 32-byte secretbox key for {@code password}. */
    public byte[] deriveKey(char[] password) {
        Argon2Parameters params = new Argon2Parameters.Builder(Argon2Parameters.ARGON2_i)
                .withVersion(Argon2Parameters.ARGON2_VERSION_13)
                .withIterations(settings.iterations())
                .withMemoryAsKB(settings.memoryKib())
                .withParallelism(settings.parallelism())
                .withSalt(SALT)
                .build();
        Argon2BytesGenerator generator = new Argon2BytesGenerator();
        generator.init(params);
        byte[] passwordBytes = utf8(password);
        byte[] key = new byte[SecretBox.KEY_LENGTH];
        try {
            generator.generateBytes(passwordBytes, key);
        } finally {
            Arrays.fill(passwordBytes, (byte) 0);
        }
        return key;
    }

    /** Returns the {@code $NACL} file bytes of {@code plaintext} under {@code password}, with a random nonce. */
    public byte[] encrypt(byte[] plaintext, char[] password) {
        byte[] nonce = new byte[SecretBox.NONCE_LENGTH];
        RANDOM.nextBytes(nonce);
        byte[] key = deriveKey(password);
        try {
            return encryptWithKey(plaintext, key, nonce);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    /**
     * Returns the plaintext of a {@code $NACL} file.
     *
     * @param file names the file in error messages
     * @throws KeyfileDecryptionException if the password is wrong or the data was altered
     * @throws WalletException if the data is not a {@code $NACL} file or is truncated
     */
    public byte[] decrypt(byte[] data, char[] password, String file) {
        checkLayout(data, file);
        byte[] key = deriveKey(password);
        try {
            return decryptWithKey(data, key, file);
        } finally {
            Arrays.fill(key, (byte) 0);
        }
    }

    static byte[] encryptWithKey(byte[] plaintext, byte[] key, byte[] nonce) {
        byte[] boxed = SecretBox.seal(key, nonce, plaintext);
        byte[] out = new byte[MAGIC.length + nonce.length + boxed.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(nonce, 0, out, MAGIC.length, nonce.length);
        System.arraycopy(boxed, 0, out, MAGIC.length + nonce.length, boxed.length);
        return out;
    }

    static byte[] decryptWithKey(byte[] data, byte[] key, String file) {
        checkLayout(data, file);
        byte[] nonce = Arrays.copyOfRange(data, MAGIC.length, MAGIC.length + SecretBox.NONCE_LENGTH);
        byte[] boxed = Arrays.copyOfRange(data, MAGIC.length + SecretBox.NONCE_LENGTH, data.length);
        try {
            return SecretBox.open(key, nonce, boxed);
        } catch (CryptoException e) {
            throw new KeyfileDecryptionException(
                    "Cannot decrypt " + file + ": wrong password, or the file was altered");
        }
    }

    private static void checkLayout(byte[] data, String file) {
        if (KeyfileFormat.detect(data) != KeyfileFormat.NACL) {
            throw new WalletException("Key file " + file + " is not a $NACL encrypted file");
        }
        if (data.length < MAGIC.length + SecretBox.NONCE_LENGTH + SecretBox.TAG_LENGTH) {
            throw new WalletException("Key file " + file + " is truncated ("
                    + data.length + " bytes, shorter than a $NACL header)");
        }
    }

    private static byte[] utf8(char[] password) {
        ByteBuffer buf = StandardCharsets.UTF_8.encode(CharBuffer.wrap(password));
        byte[] out = new byte[buf.remaining()];
        buf.get(out);
        if (buf.hasArray()) {
            Arrays.fill(buf.array(), (byte) 0);
        }
        return out;
    }
}
