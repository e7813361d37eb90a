package io.tensorswarm.storage.transfer;

import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** SHA-256 helpers. */
public final class Hex {
    private Hex() {}

    /** Returns a fresh SHA-256 digest. */
    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK without SHA-256", e);
        }
    }

    /** Returns the lower-case hex of {@code bytes}. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Returns the hex SHA-256 of {@code bytes}. */
    public static String sha256Hex(byte[] bytes) {
        return hex(sha256().digest(bytes));
    }

    /** Returns the hex SHA-256 of the file. */
    public static String sha256Hex(Path file) {
        MessageDigest md = sha256();
        updateFromFile(md, file, Long.MAX_VALUE);
        return hex(md.digest());
    }

    /** Feeds the first {@code limit} bytes of {@code file} into {@code md}. */
    public static void updateFromFile(MessageDigest md, Path file, long limit) {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            long left = limit;
            int n;
            while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
                md.update(buf, 0, n);
                left -= n;
            }
        } catch (IOException e) {
            throw new StorageException(StorageException.Kind.LOCAL_IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }
}
