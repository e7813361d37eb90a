package io.tensorswarm.chain.crypto;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * An SS58 address: a 32-byte account key plus a network format (Bittensor uses {@value
 * #BITTENSOR_FORMAT}). Text form is {@code base58(prefix ‖ key ‖ blake2b-512("SS58PRE" ‖ prefix ‖
 * key)[0..2])} (chain-spec §6.6). Immutable.
 *
 * <pre>{@code
 * Ss58Address a = Ss58Address.decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY");
 * byte[] alice = a.publicKey();
 * String same = Ss58Address.encode(alice, Ss58Address.BITTENSOR_FORMAT);
 * }</pre>
 */
public final class Ss58Address {
    /** The SS58 format of Bittensor (and generic Substrate) addresses. */
    public static final int BITTENSOR_FORMAT = 42;

    private static final int KEY_LENGTH = 32;
    private static final int CHECKSUM_LENGTH = 2;
    private static final int MAX_FORMAT = 16383;
    private static final byte[] CHECKSUM_PREFIX = "SS58PRE".getBytes(StandardCharsets.US_ASCII);

    private final int format;
    private final byte[] publicKey;

    private Ss58Address(int format, byte[] publicKey) {
        this.format = format;
        this.publicKey = publicKey;
    }

    /** Returns the address of {@code publicKey} (32 bytes) under network {@code format}. */
    public static Ss58Address of(byte[] publicKey, int format) {
        if (publicKey.length != KEY_LENGTH) {
            throw new IllegalArgumentException("SS58 account key must be 32 bytes, got " + publicKey.length);
        }
        if (format < 0 || format > MAX_FORMAT) {
            throw new IllegalArgumentException("SS58 format must be in 0..16383, got " + format);
        }
        return new Ss58Address(format, publicKey.clone());
    }

    /** Returns the text address of {@code publicKey} under network {@code format}. */
    public static String encode(byte[] publicKey, int format) {
        return of(publicKey, format).toString();
    }

    /**
     * Parses a text address of any format.
     *
     * @throws CryptoException if the text is not base58, has the wrong length, uses a reserved
     *     prefix byte, or its checksum does not match
     */
    public static Ss58Address decode(String address) {
        byte[] raw = Base58.decode(address.strip());
        if (raw.length == 0) {
            throw new CryptoException("Invalid SS58 address: empty");
        }
        int first = raw[0] & 0xFF;
        int prefixLength;
        int format;
        if (first < 64) {
            prefixLength = 1;
            format = first;
        } else if (first < 128) {
            if (raw.length < 2) {
                throw new CryptoException("Invalid SS58 address '" + address + "': too short");
            }
            int second = raw[1] & 0xFF;
            prefixLength = 2;
            format = ((first & 0x3F) << 2) | (second >> 6) | ((second & 0x3F) << 8);
        } else {
            throw new CryptoException("Invalid SS58 address '" + address + "': reserved prefix byte " + first);
        }
        int expected = prefixLength + KEY_LENGTH + CHECKSUM_LENGTH;
        if (raw.length != expected) {
            throw new CryptoException("Invalid SS58 address '" + address + "': decodes to " + raw.length
                    + " bytes, expected " + expected + " for a 32-byte account key");
        }
        byte[] prefix = Arrays.copyOfRange(raw, 0, prefixLength);
        byte[] key = Arrays.copyOfRange(raw, prefixLength, prefixLength + KEY_LENGTH);
        byte[] checksum = checksum(prefix, key);
        if (raw[expected - 2] != checksum[0] || raw[expected - 1] != checksum[1]) {
            throw new CryptoException("Invalid SS58 address '" + address + "': checksum mismatch");
        }
        return new Ss58Address(format, key);
    }

    /**
     * Parses a text address and requires {@code expectedFormat}.
     *
     * @throws CryptoException if the address is invalid or of another network format
     */
    public static Ss58Address decode(String address, int expectedFormat) {
        Ss58Address a = decode(address);
        if (a.format != expectedFormat) {
            throw new CryptoException("SS58 address '" + address + "' has format " + a.format
                    + ", expected " + expectedFormat);
        }
        return a;
    }

    /** Returns the network format. */
    public int format() {
        return format;
    }

    /** Returns a copy of the 32-byte account key. */
    public byte[] publicKey() {
        return publicKey.clone();
    }

    /** Returns the account key as lowercase hex with a {@code 0x} prefix. */
    public String publicKeyHex() {
        return "0x" + HexFormat.of().formatHex(publicKey);
    }

    /** Returns the base58 text form. */
    @Override
    public String toString() {
        byte[] prefix = prefixBytes(format);
        byte[] checksum = checksum(prefix, publicKey);
        byte[] raw = new byte[prefix.length + KEY_LENGTH + CHECKSUM_LENGTH];
        System.arraycopy(prefix, 0, raw, 0, prefix.length);
        System.arraycopy(publicKey, 0, raw, prefix.length, KEY_LENGTH);
        System.arraycopy(checksum, 0, raw, prefix.length + KEY_LENGTH, CHECKSUM_LENGTH);
        return Base58.encode(raw);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Ss58Address other && other.format == format && Arrays.equals(other.publicKey, publicKey);
    }

    @Override
    public int hashCode() {
        return 31 * format + Arrays.hashCode(publicKey);
    }

    private static byte[] prefixBytes(int format) {
        if (format < 64) {
            return new byte[] {(byte) format};
        }
        return new byte[] {
            (byte) (((format & 0xFC) >> 2) | 0x40), (byte) ((format >> 8) | ((format & 0x03) << 6))
        };
    }

    private static byte[] checksum(byte[] prefix, byte[] key) {
        return Arrays.copyOf(Blake2b.hash(512, CHECKSUM_PREFIX, prefix, key), CHECKSUM_LENGTH);
    }
}
