package io.tensorswarm.chain.wallet;

/**
 * Argon2i (v1.3) cost settings for deriving a {@code $NACL} key-file key. {@link #SENSITIVE} is
 * libsodium's {@code OPSLIMIT_SENSITIVE}/{@code MEMLIMIT_SENSITIVE}, the only setting btwallet
 * writes and reads; it needs 512 MiB of Java heap and takes seconds.
 *
 * @param iterations the time cost (opslimit)
 * @param memoryKib the memory cost in KiB (memlimit / 1024)
 * @param parallelism the lane count
 */
public record Argon2Settings(int iterations, int memoryKib, int parallelism) {
    /** libsodium SENSITIVE: opslimit 8, memlimit 536870912 bytes, one lane. */
    public static final Argon2Settings SENSITIVE = new Argon2Settings(8, 524288, 1);

    public Argon2Settings {
        if (iterations < 1 || memoryKib < 8 || parallelism < 1) {
            throw new IllegalArgumentException("Argon2 settings must be positive (memory at least 8 KiB)");
        }
    }
}
