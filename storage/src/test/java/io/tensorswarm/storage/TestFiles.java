package io.tensorswarm.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/** Deterministic test content. */
public final class TestFiles {
    private TestFiles() {}

    /** Returns {@code size} pseudo-random bytes from {@code seed}. */
    public static byte[] bytes(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** Writes {@code size} pseudo-random bytes to {@code file} and returns them. */
    public static byte[] write(Path file, int size, long seed) throws IOException {
        byte[] b = bytes(size, seed);
        Files.createDirectories(file.toAbsolutePath().getParent());
        Files.write(file, b);
        return b;
    }
}
