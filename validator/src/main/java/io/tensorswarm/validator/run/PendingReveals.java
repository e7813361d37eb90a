package io.tensorswarm.validator.run;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The validator's weight commits waiting for their reveal, in one JSON file written atomically
 * (temporary file, fsync, rename), so a restarted validator still reveals what it committed.
 * Not thread-safe; one validator process per file.
 */
public final class PendingReveals {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<List<Reveal>> LIST = new TypeReference<>() {};

    /**
     * Returns one pending reveal: everything {@code reveal_weights} needs.
     *
     * @param round the round whose scores the weights come from
     * @param commitBlock the block the commit landed in
     * @param commitHash the 0x-hex commit hash
     * @param uids the uids
     * @param weights the u16 weights
     * @param salt the u16 salt
     * @param versionKey the version key
     */
    public record Reveal(long round, long commitBlock, String commitHash, int[] uids, int[] weights, int[] salt,
            long versionKey) {}

    private final Path file;

    /** Returns the store in {@code file}. */
    public PendingReveals(Path file) {
        this.file = file;
    }

    /** Returns the stored reveals, oldest first (empty when there is no file). */
    public List<Reveal> list() {
        if (!Files.exists(file)) {
            return List.of();
        }
        try {
            return JSON.readValue(file.toFile(), LIST);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read pending reveals " + file, e);
        }
    }

    /** Appends {@code reveal}. */
    public void add(Reveal reveal) {
        List<Reveal> all = new ArrayList<>(list());
        all.add(reveal);
        write(all);
    }

    /** Removes the reveal with {@code commitHash}. */
    public void remove(String commitHash) {
        List<Reveal> all = new ArrayList<>(list());
        all.removeIf(r -> r.commitHash().equals(commitHash));
        write(all);
    }

    private void write(List<Reveal> all) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
            try (var out = Files.newOutputStream(tmp)) {
                out.write(JSON.writeValueAsBytes(all));
                out.flush();
            }
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write pending reveals " + file, e);
        }
    }
}
