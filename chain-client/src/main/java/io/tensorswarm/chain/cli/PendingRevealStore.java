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
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * Returns the pending reveals of one hotkey, kept in {@code <dir>/pending-reveals-<hotkey ss58>.json}
 * so that a restarted process still reveals what it committed. The {@code chain set-weights} and
 * {@code chain reveal} commands and the validator daemon share this file format, so either can reveal
 * the other's commits given the same folder.
 *
 * <p>Each change is one transaction under an exclusive lock on a sibling {@code .lock} file: read,
 * modify, write a temporary file, fsync, and rename it over the old one atomically; a crash (even
 * {@code kill -9}) leaves the old or the new list, never half of one. Safe for concurrent use by
 * threads and processes (the file lock orders processes; a process-wide monitor orders this JVM's
 * threads, whose file locks would otherwise overlap).
 *
 * <pre>{@code
 * PendingRevealStore store = PendingRevealStore.forHotkey(stateDir, hotkey.ss58Address());
 * store.add(PendingReveal.of(chain, hp, hotkey.ss58Address(), uids, values, salt, versionKey, block, hash));
 * for (PendingReveal r : store.load()) { ... store.remove(r); }
 * }</pre>
 */
public final class PendingRevealStore {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<PendingReveal>> LIST = new TypeReference<>() {};
    /** Orders this JVM's transactions: a second lock on the same file from the same JVM would throw. */
    private static final Object IN_PROCESS = new Object();

    private final Path file;

    private PendingRevealStore(Path file) {
        this.file = file;
    }

    /** Returns the store of {@code hotkeySs58} in {@code dir}. */
    public static PendingRevealStore forHotkey(Path dir, String hotkeySs58) {
        Objects.requireNonNull(dir, "dir");
        return new PendingRevealStore(dir.resolve("pending-reveals-" + hotkeySs58 + ".json"));
    }

    /**
     * Returns the store of {@code hotkeySs58} in {@code stateDir}, or in {@code <wallet dir>/tensorswarm}
     * when {@code stateDir} is null.
     */
    public static PendingRevealStore open(Path stateDir, WalletPaths wallet, String hotkeySs58) {
        return forHotkey(stateDir != null ? stateDir : wallet.walletDir().resolve("tensorswarm"), hotkeySs58);
    }

    /** Returns the JSON file. */
    public Path file() {
        return file;
    }

    /**
     * Returns the stored reveals, oldest first (empty when the file does not exist).
     *
     * @throws ExitException (state) when the file is not readable JSON of this format
     */
    public List<PendingReveal> load() {
        return transact(list -> null);
    }

    /**
     * Returns how many stored reveals of {@code hotkey} on subnet {@code netuid} of the chain {@code
     * chainId} are still revealable or waiting at {@code block} (their window has not passed): the
     * commits the chain still counts against its cap of unrevealed commits.
     */
    public long unrevealedAt(String chainId, int netuid, String hotkey, long block) {
        return load().stream().filter(r -> r.isFor(chainId, netuid, hotkey) && block <= r.revealUntilBlock()).count();
    }

    /** Appends {@code reveal}. */
    public void add(PendingReveal reveal) {
        Objects.requireNonNull(reveal, "reveal");
        transact(list -> {
            List<PendingReveal> next = new ArrayList<>(list);
            next.add(reveal);
            return next;
        });
    }

    /**
     * Replaces the stored reveal that has {@code reveal}'s commit hash with {@code reveal}, in place, in
     * one transaction (e.g. once the commit's actual block is known); appends it when none has.
     */
    public void replace(PendingReveal reveal) {
        Objects.requireNonNull(reveal, "reveal");
        transact(list -> {
            List<PendingReveal> next = new ArrayList<>(list);
            boolean found = false;
            for (int i = 0; i < next.size(); i++) {
                if (next.get(i).commitHash().equals(reveal.commitHash())) {
                    next.set(i, reveal);
                    found = true;
                }
            }
            if (!found) {
                next.add(reveal);
            }
            return next;
        });
    }

    /** Removes every reveal with {@code reveal}'s commit hash. */
    public void remove(PendingReveal reveal) {
        transact(list -> list.stream().filter(r -> !r.commitHash().equals(reveal.commitHash())).toList());
    }

    /** Runs {@code change} (null result = no change) under the lock; returns the list before the change. */
    private List<PendingReveal> transact(UnaryOperator<List<PendingReveal>> change) {
        synchronized (IN_PROCESS) {
            return transactLocked(change);
        }
    }

    private List<PendingReveal> transactLocked(UnaryOperator<List<PendingReveal>> change) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
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
        Path temp = Files.createTempFile(file.toAbsolutePath().getParent(), ".pending-reveals-", ".tmp");
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
