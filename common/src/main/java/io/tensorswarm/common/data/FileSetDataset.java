package io.tensorswarm.common.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/** A {@link TextDataset} over an ordered list of local files. */
final class FileSetDataset implements TextDataset {
    private static final String FINGERPRINT_DOMAIN = "tensorswarm-dataset-v1";

    /** One file: its {@code /}-separated name relative to the dataset root, and where it is. */
    record Entry(String relativeName, Path path) {}

    private final String name;
    private final List<Entry> entries;
    private final TextDatasetOptions options;
    private volatile String fingerprint;

    FileSetDataset(String name, List<Entry> entries, TextDatasetOptions options) {
        this.name = name;
        this.entries = List.copyOf(entries);
        this.options = options;
    }

    @Override
    public String name() {
        return name;
    }

    /**
     * Returns SHA-256 over the domain tag, the text field, and for each file in order its relative
     * name and the SHA-256 of its bytes. Computed once, on first call (reads every byte).
     */
    @Override
    public String fingerprint() {
        String result = fingerprint;
        if (result == null) {
            MessageDigest digest = sha256();
            update(digest, FINGERPRINT_DOMAIN);
            update(digest, options.textField());
            for (Entry entry : entries) {
                update(digest, entry.relativeName());
                digest.update(fileHash(entry.path()));
            }
            result = HexFormat.of().formatHex(digest.digest());
            fingerprint = result;
        }
        return result;
    }

    @Override
    public Stream<String> documents() {
        return entries.stream().flatMap(entry -> DocumentFormat.of(entry.path())
                .orElseThrow(() -> new IllegalStateException("unsupported file listed: " + entry.path()))
                .documents(entry.path(), options));
    }

    /** Returns the files of this dataset in reading order. */
    List<Entry> entries() {
        return entries;
    }

    @Override
    public String toString() {
        return "TextDataset[" + name + ", " + entries.size() + " files]";
    }

    private static void update(MessageDigest digest, String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        digest.update(longBytes(bytes.length));
        digest.update(bytes);
    }

    private static byte[] longBytes(long value) {
        byte[] out = new byte[8];
        for (int i = 7; i >= 0; i--) {
            out[i] = (byte) value;
            value >>>= 8;
        }
        return out;
    }

    private static byte[] fileHash(Path file) {
        MessageDigest digest = sha256();
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), digest)) {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new DataException("cannot read " + file + ": " + e.getMessage(), e);
        }
        return digest.digest();
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required by every Java platform", e);
        }
    }
}
