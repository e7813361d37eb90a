package io.tensorswarm.orchestrator.history;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * Reads and writes the orchestrator's small state files so that a reader (or a restart after
 * {@code kill -9}) sees either the old file or the complete new one: a temporary sibling, fsync,
 * atomic rename, fsync of the folder.
 *
 * <pre>{@code
 * StateFile.write(stateDir.resolve("history.json"), bytes);
 * Optional<byte[]> back = StateFile.read(stateDir.resolve("history.json"), 64 << 20);
 * }</pre>
 */
public final class StateFile {
    private StateFile() {}

    /**
     * Replaces {@code target} with {@code bytes} atomically, creating its folder when missing.
     *
     * @throws IOException when writing or renaming fails; {@code target} is then unchanged
     */
    public static void write(Path target, byte[] bytes) throws IOException {
        Path file = target.toAbsolutePath();
        Path dir = file.getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + file.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: some file systems refuse to open a folder; the data itself is synced
        }
    }

    /**
     * Returns the file's bytes, or empty when it does not exist.
     *
     * @throws IOException when it cannot be read or is larger than {@code maxBytes}
     */
    public static Optional<byte[]> read(Path file, int maxBytes) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(maxBytes + 1);
            if (bytes.length > maxBytes) {
                throw new IOException(file + " is larger than " + maxBytes + " bytes");
            }
            return Optional.of(bytes);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
    }
}
