package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The pending reveals of one hotkey in {@code <dir>/pending-reveals-<hotkey ss58>.json}, so a
 * restarted process still reveals what it committed. Each change is one transaction under an
 * exclusive lock on a sibling {@code .lock} file: read, modify, write a temporary file, fsync, and
 * rename it over the old one atomically; a crash leaves the old or the new list, never half of one.
 */
final class PendingRevealStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<PendingReveal>> LIST = new TypeReference<>() {};

    private final Path file;

    private PendingRevealStore(Path file) {
        this.file = file;
    }

    /** Returns the store of {@code hotkeySs58} in {@code dir}. */
    static PendingRevealStore forHotkey(Path dir, String hotkeySs58) {
        return new PendingRevealStore(dir.resolve("pending-reveals-" + hotkeySs58 + ".json"));
    }

    /**
     * Returns the store of {@code hotkeySs58} in {@code stateDir}, or in {@code <wallet dir>/tensorswarm}
     * when {@code stateDir} is null.
     */
    static PendingRevealStore open(Path stateDir, WalletPaths wallet, String hotkeySs58) {
        return forHotkey(stateDir != null ? stateDir : wallet.walletDir().resolve("tensorswarm"), hotkeySs58);
    }

    Path file() {
        return file;
    }

    /** Returns the stored reveals (empty when the file does not exist). */
    List<PendingReveal> load() {
        return transact(list -> null);
    }

    /** Appends {@code reveal}. */
    void add(PendingReveal reveal) {
        transact(list -> {
            List<PendingReveal> next = new ArrayList<>(list);
            next.add(reveal);
            return next;
        });
    }

    /** Removes the reveal with {@code reveal}'s commit hash. */
    void remove(PendingReveal reveal) {
        transact(list -> list.stream().filter(r -> !r.commitHash().equals(reveal.commitHash())).toList());
    }

    /** Runs {@code change} (null result = no change) under the lock; returns the list before the change. */
    private List<PendingReveal> transact(UnaryOperator<List<PendingReveal>> change) {
        try {
            Files.createDirectories(file.getParent());
            Path lockFile = file.resolveSibling(file.getFileName() + ".lock");
            try (FileChannel lockChannel = FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                    FileLock lock = lockChannel.lock()) {
                List<PendingReveal> current = read();
                List<PendingReveal> next = change.apply(current);
                if (next != null) {
                    write(next);
                }
                return current;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot update the pending-reveal file " + file + ": " + e.getMessage(), e);
        }
    }

    private List<PendingReveal> read() throws IOException {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return List.copyOf(JSON.readValue(file.toFile(), LIST));
        } catch (IOException e) {
            throw new ExitException(ExitCodes.STATE, "the pending-reveal file " + file + " is not readable JSON: "
                    + e.getMessage().lines().findFirst().orElse(""));
        }
    }

    private void write(List<PendingReveal> reveals) throws IOException {
        Path temp = Files.createTempFile(file.getParent(), ".pending-reveals-", ".tmp");
        try {
            byte[] bytes = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(reveals);
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ByteBuffer buf = ByteBuffer.wrap(bytes);
                while (buf.hasRemaining()) {
                    ch.write(buf);
                }
                ch.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(temp);
        }
    }
}
