package io.tensorswarm.chain.wallet;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * Reads and writes key files: directories are created with mode 0700, files are written to a
 * temporary sibling with mode 0600 and moved into place atomically, so a crash never leaves a
 * half-written key. On file systems without POSIX permissions the modes are skipped.
 */
final class KeyfileStore {
    private static final Set<PosixFilePermission> FILE_MODE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> DIR_MODE = PosixFilePermissions.fromString("rwx------");

    private KeyfileStore() {}

    /**
     * Returns the bytes of {@code file}.
     *
     * @throws WalletException if it does not exist or cannot be read
     */
    static byte[] read(Path file, String what) {
        try {
            return Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new WalletException("The " + what + " file " + file + " does not exist");
        } catch (IOException e) {
            throw new WalletException("Cannot read the " + what + " file " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@code data} to {@code file} (mode 0600), creating parent directories (mode 0700).
     *
     * @throws WalletException if {@code overwrite} is false and the file exists, or on I/O failure
     */
    static void write(Path file, byte[] data, boolean overwrite) {
        if (!overwrite && Files.exists(file)) {
            throw new WalletException("Refusing to overwrite existing key file " + file);
        }
        try {
            createDirectories(file.getParent());
            Path tmp = file.resolveSibling("." + file.getFileName() + ".tmp" + System.nanoTime());
            try (SeekableByteChannel ch = Files.newByteChannel(tmp,
                    EnumSet.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), fileAttributes(tmp))) {
                ByteBuffer buf = ByteBuffer.wrap(data);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
            }
            try {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (IOException e) {
            throw new WalletException("Cannot write key file " + file + ": " + e.getMessage(), e);
        }
    }

    private static void createDirectories(Path dir) throws IOException {
        if (dir == null || Files.isDirectory(dir)) {
            return;
        }
        createDirectories(dir.getParent());
        try {
            if (supportsPosix(dir)) {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(DIR_MODE));
                Files.setPosixFilePermissions(dir, DIR_MODE); // umask may have narrowed the mode
            } else {
                Files.createDirectory(dir);
            }
        } catch (FileAlreadyExistsException e) {
            if (!Files.isDirectory(dir)) {
                throw e;
            }
        }
    }

    private static FileAttribute<?>[] fileAttributes(Path file) {
        return supportsPosix(file)
                ? new FileAttribute<?>[] {PosixFilePermissions.asFileAttribute(FILE_MODE)}
                : new FileAttribute<?>[0];
    }

    private static boolean supportsPosix(Path path) {
        return path.getFileSystem().supportedFileAttributeViews().contains("posix");
    }
}
