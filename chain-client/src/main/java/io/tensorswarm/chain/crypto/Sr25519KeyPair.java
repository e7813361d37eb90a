package io.tensorswarm.chain.crypto;

import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.Scalar;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Optional;

/**
 * An sr25519 key pair as Substrate and Bittensor use it: a Schnorrkel secret scalar and nonce seed
 * expanded from a 32-byte mini-secret in Ed25519 mode (chain-spec §6.2), signing in the "substrate"
 * context with randomized nonces (§6.5) and deriving hard and soft junctions (§6.7). Immutable and
 * safe for concurrent use. {@link #toString()} shows only the public address.
 *
 * <pre>{@code
 * Sr25519KeyPair alice = Sr25519KeyPair.fromUri("//Alice");
 * byte[] sig = alice.sign(payload);
 * assert alice.publicKey().verify(payload, sig);
 * }</pre>
 */
public final class Sr25519KeyPair {
    /** Length of a mini-secret (seed). */
    public static final int MINI_SECRET_LENGTH = 32;
    /** Length of a serialized secret key ({@code scalar ‖ nonce}). */
    public static final int SECRET_KEY_LENGTH = 64;

    private static final SecureRandom RANDOM = new SecureRandom();

    private final Scalar secret;
    private final byte[] nonce;
    private final Sr25519PublicKey publicKey;
    private final byte[] miniSecret;

    private Sr25519KeyPair(Scalar secret, byte[] nonce, byte[] miniSecret) {
        this.secret = secret;
        this.nonce = nonce;
        this.miniSecret = miniSecret;
        this.publicKey = Sr25519PublicKey.fromPoint(Constants.RISTRETTO_GENERATOR_TABLE.multiply(secret));
    }

    /**
     * Expands a 32-byte mini-secret with {@code ExpansionMode::Ed25519}: SHA-512, clamp the lower
     * half and divide it by the cofactor for the scalar, the upper half is the nonce seed.
     */
    public static Sr25519KeyPair fromMiniSecret(byte[] miniSecret) {
        if (miniSecret.length != MINI_SECRET_LENGTH) {
            throw new CryptoException("sr25519 mini-secret must be 32 bytes, got " + miniSecret.length);
        }
        byte[] h = sha512(miniSecret);
        byte[] k = Arrays.copyOf(h, 32);
        k[0] &= (byte) 248;
        k[31] &= 63;
        k[31] |= 64;
        byte[] scalar = divideByCofactor(k);
        byte[] nonce = Arrays.copyOfRange(h, 32, 64);
        Arrays.fill(h, (byte) 0);
        Arrays.fill(k, (byte) 0);
        return new Sr25519KeyPair(Scalar.fromCanonicalBytes(scalar), nonce, miniSecret.clone());
    }

    /**
     * Loads a 64-byte Schnorrkel {@code SecretKey::to_bytes} ({@code canonical scalar ‖ nonce}),
     * the form of a wallet's {@code privateKey}.
     *
     * @throws CryptoException if the length is wrong or the scalar is not canonical
     */
    public static Sr25519KeyPair fromSecretKeyBytes(byte[] secretKey) {
        if (secretKey.length != SECRET_KEY_LENGTH) {
            throw new CryptoException("sr25519 secret key must be 64 bytes, got " + secretKey.length);
        }
        Scalar s;
        try {
            s = Scalar.fromCanonicalBytes(Arrays.copyOf(secretKey, 32));
        } catch (IllegalArgumentException e) {
            throw new CryptoException("sr25519 secret key scalar is not canonical (is it the ed25519 form?)");
        }
        return new Sr25519KeyPair(s, Arrays.copyOfRange(secretKey, 32, 64), null);
    }

    /**
     * Loads a 64-byte secret in "ed25519 form" ({@code scalar·8 ‖ nonce}, as polkadot-js
     * {@code sr25519PairFromSeed} returns it).
     */
    public static Sr25519KeyPair fromEd25519SecretBytes(byte[] secretKey) {
        if (secretKey.length != SECRET_KEY_LENGTH) {
            throw new CryptoException("sr25519 secret key must be 64 bytes, got " + secretKey.length);
        }
        Scalar s = Scalar.fromBytesModOrder(divideByCofactor(Arrays.copyOf(secretKey, 32)));
        return new Sr25519KeyPair(s, Arrays.copyOfRange(secretKey, 32, 64), null);
    }

    /** Returns the key pair of a BIP39 mnemonic with an empty passphrase (btcli's convention). */
    public static Sr25519KeyPair fromMnemonic(Mnemonic mnemonic) {
        return fromMiniSecret(mnemonic.toMiniSecret(""));
    }

    /**
     * Returns the key pair of a Substrate secret URI: a mnemonic or {@code 0x}-hex mini-secret
     * (the dev phrase when omitted), then {@code //hard} and {@code /soft} junctions, then an
     * optional {@code ///passphrase}. Example: {@code "//Alice"}.
     */
    public static Sr25519KeyPair fromUri(String suri) {
        return SecretUri.parse(suri).toKeyPair();
    }

    /** Returns the public key. */
    public Sr25519PublicKey publicKey() {
        return publicKey;
    }

    /** Returns the SS58 address (format 42). */
    public String ss58Address() {
        return publicKey.toSs58();
    }

    /** Returns the 64-byte Schnorrkel secret key {@code scalar ‖ nonce} (wallet {@code privateKey}). */
    public byte[] secretKeyBytes() {
        byte[] out = new byte[SECRET_KEY_LENGTH];
        System.arraycopy(secret.toByteArray(), 0, out, 0, 32);
        System.arraycopy(nonce, 0, out, 32, 32);
        return out;
    }

    /** Returns the 64-byte secret in "ed25519 form" ({@code scalar·8 ‖ nonce}). */
    public byte[] ed25519SecretBytes() {
        byte[] out = new byte[SECRET_KEY_LENGTH];
        System.arraycopy(multiplyByCofactor(secret.toByteArray()), 0, out, 0, 32);
        System.arraycopy(nonce, 0, out, 32, 32);
        return out;
    }

    /** Returns the mini-secret this pair was expanded from, if it was (wallet {@code secretSeed}). */
    public Optional<byte[]> miniSecret() {
        return Optional.ofNullable(miniSecret).map(byte[]::clone);
    }

    /** Signs {@code message} in the "substrate" context; 64 bytes, randomized. */
    public byte[] sign(byte[] message) {
        return sign(message, MerlinTranscript.freshRandom(RANDOM));
    }

    /**
     * Signs with caller-chosen witness randomness (32 bytes). Only tests use this, to reproduce a
     * signature; reusing randomness with the same message is harmless, but keep it to tests.
     */
    byte[] sign(byte[] message, byte[] witnessRandom32) {
        MerlinTranscript t = SigningTranscripts.signingTranscript(message, publicKey.toBytes());
        Scalar r = t.witnessScalar("signing", nonce, witnessRandom32);
        byte[] bigR = Constants.RISTRETTO_GENERATOR_TABLE.multiply(r).compress().toByteArray();
        t.appendMessage("sign:R", bigR);
        Scalar k = t.challengeScalar("sign:c");
        byte[] sigma = k.multiplyAndAdd(secret, r).toByteArray();
        byte[] signature = new byte[Sr25519PublicKey.SIGNATURE_LENGTH];
        System.arraycopy(bigR, 0, signature, 0, 32);
        System.arraycopy(sigma, 0, signature, 32, 32);
        signature[63] |= (byte) 0x80;
        return signature;
    }

    /** Returns whether {@code signature} is this pair's signature of {@code message}. */
    public boolean verify(byte[] message, byte[] signature) {
        return publicKey.verify(message, signature);
    }

    /** Returns the key pair at {@code junction} below this one. */
    public Sr25519KeyPair derive(DeriveJunction junction) {
        return junction.isHard() ? deriveHard(junction.chainCode()) : deriveSoft(junction.chainCode());
    }

    /** Returns the key pair at the given junctions, applied left to right. */
    public Sr25519KeyPair derive(Iterable<DeriveJunction> path) {
        Sr25519KeyPair pair = this;
        for (DeriveJunction j : path) {
            pair = pair.derive(j);
        }
        return pair;
    }

    private Sr25519KeyPair deriveHard(byte[] chainCode) {
        MerlinTranscript t = hdkdTranscript(chainCode);
        t.appendMessage("secret-key", secret.toByteArray());
        return fromMiniSecret(t.challengeBytes("HDKD-hard", MINI_SECRET_LENGTH));
    }

    private Sr25519KeyPair deriveSoft(byte[] chainCode) {
        MerlinTranscript t = hdkdTranscript(chainCode);
        t.appendMessage("public-key", publicKey.toBytes());
        Scalar delta = t.challengeScalar("HDKD-scalar");
        t.challengeBytes("HDKD-chaincode", 32);
        byte[] newNonce = witnessNonce(t);
        return new Sr25519KeyPair(secret.add(delta), newNonce, null);
    }

    /** schnorrkel {@code witness_bytes("HDKD-nonce", [nonce, secret key bytes])}: a fresh nonce seed. */
    private byte[] witnessNonce(MerlinTranscript t) {
        byte[] secretBytes = secretKeyBytes();
        try {
            return t.witnessBytes("HDKD-nonce", MerlinTranscript.freshRandom(RANDOM), 32, nonce, secretBytes);
        } finally {
            Arrays.fill(secretBytes, (byte) 0);
        }
    }

    private static MerlinTranscript hdkdTranscript(byte[] chainCode) {
        MerlinTranscript t = new MerlinTranscript("SchnorrRistrettoHDKD");
        t.appendMessage("sign-bytes", new byte[0]);
        t.appendMessage("chain-code", chainCode);
        return t;
    }

    /** Shifts a 256-bit little-endian integer right by 3 bits. */
    static byte[] divideByCofactor(byte[] k) {
        byte[] out = new byte[32];
        for (int i = 0; i < 31; i++) {
            out[i] = (byte) (((k[i] & 0xFF) >>> 3) | ((k[i + 1] & 0xFF) << 5));
        }
        out[31] = (byte) ((k[31] & 0xFF) >>> 3);
        return out;
    }

    /** Shifts a 256-bit little-endian integer left by 3 bits (the scalar is below 2^253). */
    static byte[] multiplyByCofactor(byte[] s) {
        byte[] out = new byte[32];
        for (int i = 31; i > 0; i--) {
            out[i] = (byte) (((s[i] & 0xFF) << 3) | ((s[i - 1] & 0xFF) >>> 5));
        }
        out[0] = (byte) ((s[0] & 0xFF) << 3);
        return out;
    }

    private static byte[] sha512(byte[] data) {
        try {
            return MessageDigest.getInstance("SHA-512").digest(data);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-512 is required by every Java platform", e);
        }
    }

    /** Returns {@code Sr25519KeyPair[<ss58 address>]}; never any secret material. */
    @Override
    public String toString() {
        return "Sr25519KeyPair[" + publicKey.toSs58() + "]";
    }
}
