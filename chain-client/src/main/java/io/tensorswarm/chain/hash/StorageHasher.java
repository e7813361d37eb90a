package io.tensorswarm.chain.hash;

import java.util.Arrays;

/**
 * The storage-map key hashers, in metadata enum order (index 0 = Blake2_128 ... 6 = Identity);
 * each hashes one SCALE-encoded key part.
 */
public enum StorageHasher {
    BLAKE2_128(16, false),
    BLAKE2_256(32, false),
    BLAKE2_128_CONCAT(16, true),
    TWOX_128(16, false),
    TWOX_256(32, false),
    TWOX_64_CONCAT(8, true),
    IDENTITY(0, true);

    private final int hashLength;
    private final boolean keepsKey;

    StorageHasher(int hashLength, boolean keepsKey) {
        this.hashLength = hashLength;
        this.keepsKey = keepsKey;
    }

    /**
     * Returns the hasher with metadata index {@code index}.
     *
     * @throws IllegalArgumentException if the index is not 0..6
     */
    public static StorageHasher fromIndex(int index) {
        if (index < 0 || index >= values().length) {
            throw new IllegalArgumentException("unknown storage hasher index " + index);
        }
        return values()[index];
    }

    /** Returns the number of hash bytes before the (possibly appended) key. */
    public int hashLength() {
        return hashLength;
    }

    /** Returns true when the original key bytes follow the hash, so keys can be read back. */
    public boolean keepsKey() {
        return keepsKey;
    }

    /** Returns the hashed form of one encoded key part. */
    public byte[] hash(byte[] encodedKey) {
        switch (this) {
            case BLAKE2_128:
                return Hashing.blake2b128(encodedKey);
            case BLAKE2_256:
                return Hashing.blake2b256(encodedKey);
            case BLAKE2_128_CONCAT:
                return concat(Hashing.blake2b128(encodedKey), encodedKey);
            case TWOX_128:
                return Hashing.twox128(encodedKey);
            case TWOX_256:
                return Hashing.twox256(encodedKey);
            case TWOX_64_CONCAT:
                return concat(Hashing.twox64(encodedKey), encodedKey);
            default:
                return encodedKey.clone();
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
