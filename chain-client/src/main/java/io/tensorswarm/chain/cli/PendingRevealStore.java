package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.JsonReadErrors;
import io.tensorswarm.common.LoggedText;
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
import java.util.regex.Pattern;

/**
 * Returns the pending reveals of one hotkey, kept in {@code <dir>/pending-reveals-<hotkey ss58>.json}
 * so that a restarted process still reveals what it committed. The {@code chain set-weights} and
 * {@code chain reveal} commands and the validator daemon share this file format, so either can reveal
 * the other's commits given the same folder.
 *
 * <p>Each change is one transaction under an exclusive lock on a sibling {@code .lock} file: read,
 * modify, write a temporary file, fsync, and rename it over the old one atomically; a crash (even
 * {@code kill -9}) leaves the old or the new list, never half of one. Every read checks the whole
 * file against what a chain can hold ({@link #problem}): a file that breaks a bound is refused with
 * a one-line {@link ExitException} (state) that names the file, the reveal and the field, and is
 * left as it is. Safe for concurrent use by
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
    /** Reads whole numbers only: a fractional uid or block is refused, not rounded. */
    private static final ObjectReader READER = JSON.readerFor(LIST)
            .without(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .with(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    /** Files larger than this are refused before parsing. */
    static final long MAX_BYTES = 64L << 20;
    /** The most reveals a file may hold (the chain caps a hotkey's unrevealed commits at a handful). */
    static final int MAX_REVEALS = 1024;
    /** The most salt values a reveal may have ({@code chain set-weights} uses 8). */
    static final int MAX_SALT = 32;
    /** The largest block number: blocks are u32. */
    static final long MAX_BLOCK = 0xFFFF_FFFFL;
    /** The furthest a reveal window may end after its commit, in blocks: 16 of the longest tempos (u16, 65,535 blocks). */
    static final long MAX_WINDOW_BLOCKS = 1L << 20;
    private static final int U16 = 0xFFFF;
    private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]{1,128}");
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

    /**
     * Appends {@code reveal}.
     *
     * @throws IllegalArgumentException when {@code reveal} breaks a bound of the file ({@link #problem}),
     *     so that nothing is written that a later read would refuse
     */
    public void add(PendingReveal reveal) {
        requireStorable(reveal);
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
        requireStorable(reveal);
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
        long size = Files.size(file);
        if (size > MAX_BYTES) {
            throw refused("is " + size + " bytes, above the " + MAX_BYTES + "-byte cap");
        }
        List<PendingReveal> reveals;
        try {
            reveals = READER.readValue(file.toFile());
        } catch (JsonMappingException e) {
            String path = JsonReadErrors.path(e);
            String where = path.isEmpty() ? "" : " at " + path;
            throw new ExitException(ExitCodes.STATE, "the pending-reveal file " + file + " is not readable JSON: "
                    + firstLine(e.getOriginalMessage()) + where);
        } catch (IOException e) {
            throw new ExitException(ExitCodes.STATE, "the pending-reveal file " + file + " is not readable JSON: "
                    + firstLine(e.getMessage()));
        }
        if (reveals == null) {
            throw refused("holds null, not a list of reveals");
        }
        if (reveals.size() > MAX_REVEALS) {
            throw refused("holds " + reveals.size() + " reveals, above " + MAX_REVEALS);
        }
        for (int i = 0; i < reveals.size(); i++) {
            String problem = problem(reveals.get(i));
            if (problem != null) {
                throw refused("reveal " + i + " " + problem);
            }
        }
        return List.copyOf(reveals);
    }

    /**
     * Returns what is wrong with a stored reveal, as {@code field <name> is <value>, <why>}, or null when
     * every field is within what a chain can hold: uids and weights u16, as many weights as uids, no uid
     * twice, a salt of 1 to {@value #MAX_SALT} u16 values, blocks u32 with the reveal window in order
     * and at most {@value #MAX_WINDOW_BLOCKS} blocks past the commit (a window beyond would count against
     * the chain's cap of unrevealed commits for months), hashes {@code 0x} and 1 to 128 hex digits.
     */
    static String problem(PendingReveal r) {
        if (r == null) {
            return "is null";
        }
        String p = hex("chain", r.chain());
        if (p != null) {
            return p;
        }
        if (r.netuid() < 0 || r.netuid() > U16) {
            return "field netuid is " + r.netuid() + ", not a u16";
        }
        if (r.hotkey() == null || r.hotkey().isEmpty() || r.hotkey().length() > 64
                || !r.hotkey().chars().allMatch(c -> BASE58.indexOf(c) >= 0)) {
            return "field hotkey is " + quote(r.hotkey()) + ", not an SS58 address";
        }
        if (r.uids() == null) {
            return "field uids is missing";
        }
        if (r.values() == null) {
            return "field values is missing";
        }
        if (r.values().length != r.uids().length) {
            return "field values has " + r.values().length + " entries, not one per uid (" + r.uids().length + ")";
        }
        boolean[] seen = new boolean[U16 + 1];
        for (int i = 0; i < r.uids().length; i++) {
            int uid = r.uids()[i];
            if (uid < 0 || uid > U16) {
                return "field uids[" + i + "] is " + uid + ", " + (uid < 0 ? "below 0" : "above " + U16);
            }
            if (seen[uid]) {
                return "field uids[" + i + "] is " + uid + ", a uid listed twice";
            }
            seen[uid] = true;
            int w = r.values()[i];
            if (w < 0 || w > U16) {
                return "field values[" + i + "] is " + w + ", " + (w < 0 ? "below 0" : "above " + U16);
            }
        }
        if (r.salt() == null || r.salt().length < 1 || r.salt().length > MAX_SALT) {
            return "field salt has " + (r.salt() == null ? "no" : r.salt().length) + " entries, not 1 to " + MAX_SALT;
        }
        for (int i = 0; i < r.salt().length; i++) {
            if (r.salt()[i] < 0 || r.salt()[i] > U16) {
                return "field salt[" + i + "] is " + r.salt()[i] + ", not a u16";
            }
        }
        if (r.versionKey() < 0) {
            return "field versionKey is " + r.versionKey() + ", below 0";
        }
        p = block("commitBlock", r.commitBlock());
        p = p != null ? p : block("revealFromBlock", r.revealFromBlock());
        p = p != null ? p : block("revealUntilBlock", r.revealUntilBlock());
        if (p != null) {
            return p;
        }
        if (r.revealUntilBlock() < r.revealFromBlock()) {
            return "field revealUntilBlock is " + r.revealUntilBlock() + ", before revealFromBlock " + r.revealFromBlock();
        }
        if (r.revealUntilBlock() - r.commitBlock() > MAX_WINDOW_BLOCKS) {
            return "field revealUntilBlock is " + r.revealUntilBlock() + ", more than " + MAX_WINDOW_BLOCKS
                    + " blocks after commitBlock " + r.commitBlock();
        }
        return hex("commitHash", r.commitHash());
    }

    private static void requireStorable(PendingReveal reveal) {
        Objects.requireNonNull(reveal, "reveal");
        String problem = problem(reveal);
        if (problem != null) {
            throw new IllegalArgumentException("pending reveal " + problem);
        }
    }

    private static String block(String field, long value) {
        if (value < 0) {
            return "field " + field + " is " + value + ", below 0";
        }
        if (value > MAX_BLOCK) {
            return "field " + field + " is " + value + ", above " + MAX_BLOCK;
        }
        return null;
    }

    private static String hex(String field, String value) {
        if (value == null) {
            return "field " + field + " is missing";
        }
        if (!HEX.matcher(value).matches()) {
            return "field " + field + " is " + quote(value) + ", not 0x and 1 to 128 hex digits";
        }
        return null;
    }

    private static String quote(String s) {
        return LoggedText.quoted(s, 80);
    }

    private ExitException refused(String why) {
        return new ExitException(ExitCodes.STATE, "the pending-reveal file " + file + ": " + why
                + " (fix it, or delete it to drop its unrevealed weights)");
    }

    private static String firstLine(String message) {
        return String.valueOf(message).lines().findFirst().orElse("");
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
