package io.tensorswarm.storage.transfer;

import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import io.tensorswarm.storage.StorageOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Downloads an object into a file or a byte array under the caller's caps: refuses objects above
 * the size cap before reading, never reads past the declared size (a longer body is an error, not
 * a truncation), cuts off senders slower than {@link StorageOptions#minBytesPerSecond()}, resumes
 * after broken connections from the last byte received, verifies size and SHA-256, and moves the
 * finished file into place atomically.
 */
public final class Downloader {
    private static final Logger log = LoggerFactory.getLogger(Downloader.class);
    private static final int BUFFER = 1 << 16;

    private final StorageOptions options;
    private final Retrier retrier;

    public Downloader(StorageOptions options) {
        this.options = Objects.requireNonNull(options, "options");
        this.retrier = new Retrier(options);
    }

    /**
     * Streams {@code request} into {@code target}; {@code info} is the object's description from the
     * backend (size, and sha256/version when known), {@code what} names it in messages.
     */
    public ObjectInfo toFile(String what, ObjectInfo info, GetRequest request, Path target, RangeOpener opener) {
        long[] range = range(what, info, request);
        long start = range[0];
        long length = range[1];
        Path part = target.resolveSibling(target.getFileName() + ".part");
        Path id = target.resolveSibling(target.getFileName() + ".part.id");
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            String identity = identity(info, start, length);
            long have = 0;
            if (identity != null && Files.isRegularFile(part) && Files.isRegularFile(id)
                    && Files.readString(id, StandardCharsets.UTF_8).equals(identity)) {
                have = Files.size(part);
                if (have > length) {
                    have = 0;
                }
            }
            if (have == 0) {
                Files.deleteIfExists(part);
                if (identity != null) {
                    Files.writeString(id, identity, StandardCharsets.UTF_8);
                } else {
                    Files.deleteIfExists(id);
                }
            } else {
                log.info("resuming {} at byte {} of {}", what, have, length);
            }
            MessageDigest md = Hex.sha256();
            if (have > 0) {
                Hex.updateFromFile(md, part, have);
            }
            try (OutputStream out = Files.newOutputStream(part, StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
                transfer(what, start, length, have, out, md, request, opener);
            }
            String sha = Hex.hex(md.digest());
            verify(what, info, request, sha);
            Files.move(part, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.deleteIfExists(id);
            return new ObjectInfo(info.key(), length, request.isRange() ? null : sha, info.version(), info.lastModified());
        } catch (StorageException e) {
            if (!e.retryable() && e.kind() != Kind.INTERRUPTED) {
                deleteQuietly(part);
                deleteQuietly(id);
            }
            throw e;
        } catch (IOException e) {
            throw new StorageException(Kind.LOCAL_IO, "cannot write " + target + ": " + e.getMessage(), e);
        }
    }

    /** Returns the bytes of {@code request}; the object (or range) must fit the request's cap. */
    public byte[] toBytes(String what, ObjectInfo info, GetRequest request, RangeOpener opener) {
        long[] range = range(what, info, request);
        if (range[1] > Integer.MAX_VALUE - 16) {
            throw new StorageException(Kind.TOO_LARGE, what + ": " + range[1] + " bytes do not fit in memory");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) range[1]);
        MessageDigest md = Hex.sha256();
        transfer(what, range[0], range[1], 0, out, md, request, opener);
        verify(what, info, request, Hex.hex(md.digest()));
        return out.toByteArray();
    }

    private void transfer(
            String what, long start, long length, long have, OutputStream out, MessageDigest md, GetRequest request, RangeOpener opener) {
        long[] done = {have};
        retrier.call(what, () -> {
            if (done[0] >= length && length > 0) {
                return null;
            }
            try (InputStream in = opener.open(start + done[0], length - done[0])) {
                copy(what, in, out, md, length, done, request);
            } catch (SocketTimeoutException e) {
                throw new StorageException(Kind.TIMEOUT, what + ": no bytes for " + options.readTimeout().toSeconds() + " s after byte " + done[0], e);
            } catch (InterruptedIOException e) {
                Thread.currentThread().interrupt();
                throw new StorageException(Kind.INTERRUPTED, what + ": interrupted", e);
            } catch (IOException | UncheckedIOException e) {
                throw new StorageException(Kind.UNAVAILABLE, what + ": connection broke after byte " + done[0] + ": " + e.getMessage(), e);
            }
            if (done[0] < length) {
                throw new StorageException(Kind.UNAVAILABLE, what + ": body ended after " + done[0] + " of " + length + " bytes");
            }
            return null;
        });
    }

    private void copy(String what, InputStream in, OutputStream out, MessageDigest md, long length, long[] done, GetRequest request)
            throws IOException {
        byte[] buf = new byte[BUFFER];
        long startNanos = System.nanoTime();
        long gotThisCall = 0;
        long graceNanos = options.readTimeout().toNanos();
        long minRate = options.minBytesPerSecond();
        while (done[0] < length) {
            int n = in.read(buf, 0, (int) Math.min(buf.length, length - done[0]));
            if (n < 0) {
                return;
            }
            out.write(buf, 0, n);
            md.update(buf, 0, n);
            done[0] += n;
            gotThisCall += n;
            request.listener().transferred(n);
            if (minRate > 0) {
                long elapsed = System.nanoTime() - startNanos;
                if (elapsed > graceNanos && gotThisCall < (elapsed - graceNanos) / 1_000_000_000.0 * minRate) {
                    throw new StorageException(Kind.TIMEOUT, String.format(
                            "%s: sender too slow (%d bytes in %.1f s, minimum %d B/s)", what, gotThisCall, elapsed / 1e9, minRate));
                }
            }
        }
        if (in.read() >= 0) {
            throw new StorageException(Kind.PROTOCOL, what + ": server sent more than the " + length + " bytes it declared");
        }
    }

    private static long[] range(String what, ObjectInfo info, GetRequest request) {
        long size = info.size();
        if (request.expectedSize() >= 0 && request.expectedSize() != size) {
            throw new StorageException(Kind.INTEGRITY, what + " is " + size + " bytes, expected " + request.expectedSize());
        }
        if (!request.isRange()) {
            if (size > request.maxBytes()) {
                throw new StorageException(Kind.TOO_LARGE, what + " is " + size + " bytes, above the cap of " + request.maxBytes());
            }
            return new long[] {0, size};
        }
        if (request.offset() > size) {
            throw new StorageException(Kind.INTEGRITY, what + ": range starts at " + request.offset() + ", past the end (" + size + " bytes)");
        }
        long length = request.length() < 0 ? size - request.offset() : Math.min(request.length(), size - request.offset());
        if (length > request.maxBytes()) {
            throw new StorageException(Kind.TOO_LARGE, what + ": range of " + length + " bytes is above the cap of " + request.maxBytes());
        }
        return new long[] {request.offset(), length};
    }

    private static void verify(String what, ObjectInfo info, GetRequest request, String sha) {
        if (request.isRange()) {
            return;
        }
        if (request.expectedSha256() != null && !request.expectedSha256().equals(sha)) {
            throw new StorageException(Kind.INTEGRITY, what + ": SHA-256 " + sha + " does not match the expected " + request.expectedSha256());
        }
        if (info.sha256() != null && !info.sha256().equals(sha)) {
            throw new StorageException(Kind.INTEGRITY, what + ": SHA-256 " + sha + " does not match the stored " + info.sha256());
        }
    }

    private static String identity(ObjectInfo info, long start, long length) {
        if (info.version() == null && info.sha256() == null) {
            return null;
        }
        return info.key() + "\n" + info.version() + "\n" + info.sha256() + "\n" + info.size() + "\n" + start + "+" + length;
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            log.debug("cannot delete {}: {}", p, e.getMessage());
        }
    }
}
