package io.tensorswarm.chain.crypto;

import cafe.cryptography.curve25519.CompressedRistretto;
import cafe.cryptography.curve25519.Constants;
import cafe.cryptography.curve25519.InvalidEncodingException;
import cafe.cryptography.curve25519.RistrettoElement;
import cafe.cryptography.curve25519.Scalar;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An sr25519 public key: a canonical compressed Ristretto255 point (32 bytes) that verifies
 * Schnorrkel signatures made in the "substrate" signing context (chain-spec §6.5). Immutable and
 * safe for concurrent use.
 *
 * <pre>{@code
 * Sr25519PublicKey alice = Sr25519PublicKey.fromSs58("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
 * boolean ok = alice.verify(message, signature);
 * }</pre>
 */
public final class Sr25519PublicKey {
    /** Length of an encoded public key. */
    public static final int LENGTH = 32;
    /** Length of a signature: {@code R (32) ‖ σ (32)} with the Schnorrkel marker bit set. */
    public static final int SIGNATURE_LENGTH = 64;

    private static final byte[] WRAP_PREFIX = "<Bytes>".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] WRAP_SUFFIX = "</Bytes>".getBytes(StandardCharsets.US_ASCII);

    private final byte[] encoded;
    private final RistrettoElement point;

    private Sr25519PublicKey(byte[] encoded, RistrettoElement point) {
        this.encoded = encoded;
        this.point = point;
    }

    /**
     * Decodes a 32-byte public key.
     *
     * @throws CryptoException if the length is wrong or the bytes are not a canonical Ristretto255
     *     encoding
     */
    public static Sr25519PublicKey fromBytes(byte[] bytes) {
        if (bytes.length != LENGTH) {
            throw new CryptoException("sr25519 public key must be 32 bytes, got " + bytes.length);
        }
        byte[] copy = bytes.clone();
        try {
            return new Sr25519PublicKey(copy, new CompressedRistretto(copy).decompress());
        } catch (InvalidEncodingException e) {
            throw new CryptoException("sr25519 public key 0x" + HexFormat.of().formatHex(copy)
                    + " is not a canonical Ristretto255 point", e);
        }
    }

    /** Decodes the public key in an SS58 address of any format. */
    public static Sr25519PublicKey fromSs58(String address) {
        return fromBytes(Ss58Address.decode(address).publicKey());
    }

    static Sr25519PublicKey fromPoint(RistrettoElement point) {
        return new Sr25519PublicKey(point.compress().toByteArray(), point);
    }

    /** Returns a copy of the 32-byte encoding. */
    public byte[] toBytes() {
        return encoded.clone();
    }

    /** Returns the SS58 address in Bittensor's format 42. */
    public String toSs58() {
        return Ss58Address.encode(encoded, Ss58Address.BITTENSOR_FORMAT);
    }

    /** Returns the SS58 address in network {@code format}. */
    public String toSs58(int format) {
        return Ss58Address.encode(encoded, format);
    }

    /** Returns the encoding as lowercase hex with a {@code 0x} prefix. */
    public String toHex() {
        return "0x" + HexFormat.of().formatHex(encoded);
    }

    RistrettoElement point() {
        return point;
    }

    /**
     * Returns whether {@code signature} is a valid Schnorrkel signature of {@code message} by this
     * key in the "substrate" context. Malformed signatures (wrong length, marker bit clear,
     * non-canonical σ) are invalid, never an exception.
     */
    public boolean verify(byte[] message, byte[] signature) {
        if (signature.length != SIGNATURE_LENGTH || (signature[63] & 0x80) == 0) {
            return false;
        }
        byte[] sigmaBytes = Arrays.copyOfRange(signature, 32, 64);
        sigmaBytes[31] &= 0x7F;
        Scalar sigma;
        try {
            sigma = Scalar.fromCanonicalBytes(sigmaBytes);
        } catch (IllegalArgumentException e) {
            return false;
        }
        byte[] r = Arrays.copyOfRange(signature, 0, 32);
        MerlinTranscript t = SigningTranscripts.signingTranscript(message, encoded);
        t.appendMessage("sign:R", r);
        Scalar k = t.challengeScalar("sign:c");
        RistrettoElement expectedR =
                Constants.RISTRETTO_GENERATOR_TABLE.multiply(sigma).subtract(point.multiply(k));
        return Arrays.equals(expectedR.compress().toByteArray(), r);
    }

    /**
     * Returns whether {@code signature} verifies for {@code message} either as is or wrapped in
     * {@code <Bytes>…</Bytes>}, the polkadot-js/btwallet convention for signing raw text.
     */
    public boolean verifyPlainOrWrapped(byte[] message, byte[] signature) {
        if (verify(message, signature)) {
            return true;
        }
        byte[] wrapped = new byte[WRAP_PREFIX.length + message.length + WRAP_SUFFIX.length];
        System.arraycopy(WRAP_PREFIX, 0, wrapped, 0, WRAP_PREFIX.length);
        System.arraycopy(message, 0, wrapped, WRAP_PREFIX.length, message.length);
        System.arraycopy(WRAP_SUFFIX, 0, wrapped, WRAP_PREFIX.length + message.length, WRAP_SUFFIX.length);
        return verify(wrapped, signature);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sr25519PublicKey other && Arrays.equals(other.encoded, encoded);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(encoded);
    }

    /** Returns the SS58 (format 42) address. */
    @Override
    public String toString() {
        return toSs58();
    }
}
