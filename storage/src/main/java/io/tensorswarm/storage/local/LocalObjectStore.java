package io.tensorswarm.storage.local;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.Keys;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.storage.transfer.Downloader;
import io.tensorswarm.storage.transfer.Hex;
import io.tensorswarm.storage.transfer.LimitedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Stores objects as files under a root directory. Puts write a hidden temporary file in the
 * target's directory, fsync it and rename it into place, so readers see old or new content, never
 * a mix. Keys that would leave the root (by {@code ..} or through a symbolic link) are refused.
 * Only puts create directories (the root included); reads of a missing root find nothing. Safe for
 * concurrent use.
 */
public final class LocalObjectStore implements ObjectStore {
    private static final String TEMP_MARK = ".tmp-";
    /** A temporary file this old belongs to a writer that died (kill -9) rather than one still writing. */
    static final java.time.Duration STALE_TEMP_AGE = java.time.Duration.ofHours(1);

    private final Path root;
    private final Downloader downloader;

    /**
     * Opens a store rooted at {@code root} without touching the disk: the directory is created by the
     * first put, so opening a (possibly hostile) location to read it never creates anything.
     */
    public LocalObjectStore(Path root, StorageOptions options) {
        this.root = root.toAbsolutePath().normalize();
        this.downloader = new Downloader(options.toBuilder().optMinBytesPerSecond(0).optMaxAttempts(1).build());
    }

    @Override
    public URI location() {
        return root.toUri();
    }

    @Override
    public ObjectInfo put(PutRequest request) {
        Path target = resolve(request.key());
        Path temp = null;
        try {
            Files.createDirectories(target.getParent());
            checkInsideRoot(target.getParent(), request.key());
            sweepStaleTemps(target);
            temp = target.resolveSibling("." + target.getFileName() + TEMP_MARK + UUID.randomUUID());
            MessageDigest md = Hex.sha256();
            long size;
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                    OutputStream out = new DigestOutputStream(Channels.newOutputStream(ch), md)) {
                if (request.file() != null) {
                    size = Files.copy(request.file(), out);
                } else {
                    byte[] bytes = request.bytes();
                    out.write(bytes);
                    size = bytes.length;
                }
                out.flush();
                ch.force(true);
            }
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            request.listener().transferred(size);
            return new ObjectInfo(request.key(), size, Hex.hex(md.digest()), null, Files.getLastModifiedTime(target).toInstant());
        } catch (NoSuchFileException e) {
            throw new StorageException(Kind.LOCAL_IO, "no such file " + e.getFile(), e);
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot store " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: a leftover temp file is hidden from list()
                }
            }
        }
    }

    @Override
    public ObjectInfo get(GetRequest request, Path target) {
        Path source = resolve(request.key());
        ObjectInfo info = stat(request.key()).orElseThrow(() -> notFound(request.key()));
        return downloader.toFile(describe(request.key()), info, request, target, (offset, length) -> open(source, offset, length));
    }

    @Override
    public byte[] getBytes(GetRequest request) {
        Path source = resolve(request.key());
        ObjectInfo info = stat(request.key()).orElseThrow(() -> notFound(request.key()));
        return downloader.toBytes(describe(request.key()), info, request, (offset, length) -> open(source, offset, length));
    }

    @Override
    public Optional<ObjectInfo> stat(String key) {
        Path file = resolve(key);
        try {
            BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
            if (!a.isRegularFile()) {
                return Optional.empty();
            }
            checkInsideRoot(file, key);
            return Optional.of(new ObjectInfo(key, a.size(), null, a.lastModifiedTime().toMillis() + "-" + a.size(), a.lastModifiedTime().toInstant()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot stat " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public List<ObjectInfo> list(String prefix) {
        String p = Keys.checkPrefix(prefix);
        List<ObjectInfo> out = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return out; // nothing was ever put here
        }
        try (Stream<Path> files = Files.walk(root)) {
            files.filter(Files::isRegularFile).forEach(f -> {
                String key = root.relativize(f).toString().replace(f.getFileSystem().getSeparator(), "/");
                String name = f.getFileName().toString();
                if (key.startsWith(p) && !(name.startsWith(".") && name.contains(TEMP_MARK)) && Keys.isValid(key)) {
                    stat(key).ifPresent(out::add);
                }
            });
        } catch (IOException | UncheckedIOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot list " + root + ": " + e.getMessage(), e);
        }
        out.sort(Comparator.comparing(ObjectInfo::key));
        return out;
    }

    @Override
    public void delete(String key) {
        Path file = resolve(key);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        // nothing held
    }

    private Path resolve(String key) {
        Keys.check(key);
        Path p = root.resolve(key).normalize();
        if (!p.startsWith(root) || p.equals(root)) {
            throw new StorageException(Kind.INVALID_KEY, "key '" + Keys.check(key) + "' leaves " + root);
        }
        return p;
    }

    private void checkInsideRoot(Path existing, String key) throws IOException {
        if (!existing.toRealPath().startsWith(root.toRealPath())) {
            throw new StorageException(Kind.INVALID_KEY, "key '" + key + "' leads outside " + root + " through a symbolic link");
        }
    }

    private static InputStream open(Path source, long offset, long length) {
        try {
            FileChannel ch = FileChannel.open(source, StandardOpenOption.READ);
            ch.position(offset);
            return new LimitedInputStream(Channels.newInputStream(ch), length);
        } catch (NoSuchFileException | FileAlreadyExistsException e) {
            throw new StorageException(Kind.NOT_FOUND, "no such object " + source);
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private String describe(String key) {
        return root.resolve(key).toString();
    }

    private StorageException notFound(String key) {
        return new StorageException(Kind.NOT_FOUND, "no object " + key + " in " + root);
    }

    /** Removes this key's temporary files left by writers killed mid-put (never visible, but they pile up). */
    private static void sweepStaleTemps(Path target) {
        long cutoff = System.currentTimeMillis() - STALE_TEMP_AGE.toMillis();
        try (var temps = Files.newDirectoryStream(target.getParent(), "." + target.getFileName() + TEMP_MARK + "*")) {
            for (Path t : temps) {
                try {
                    if (Files.getLastModifiedTime(t).toMillis() < cutoff) {
                        Files.deleteIfExists(t);
                    }
                } catch (IOException e) {
                    // another process removed or is finishing it: not ours to worry about
                }
            }
        } catch (IOException e) {
            // best effort: a failed sweep never fails the put
        }
    }
}
