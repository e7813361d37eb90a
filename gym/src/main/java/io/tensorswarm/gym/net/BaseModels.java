package io.tensorswarm.gym.net;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bases an adversary reads from the averager's store: which base a round has (the append-only
 * history, {@link BaseHistory}, as honest miners use it), the one before it (what a lagging miner
 * still trains on), and their verified weights in {@code <cacheDir>/<revision>/}.
 */
public final class BaseModels {
    private static final int KEEP_REVISIONS = 4;

    private final BaseHistory history;
    private final BaseModelSource models;
    private final Path cacheDir;

    public BaseModels(ObjectStore store, Path cacheDir, long maxModelBytes) {
        this.history = new BaseHistory(store);
        this.models = new BaseModelSource(store, cacheDir, maxModelBytes);
        this.cacheDir = cacheDir;
    }

    /** Returns the base of {@code round}, or empty when the store has none yet. */
    public Optional<LatestPointer> forRound(long round) {
        return history.forRound(round);
    }

    /** Returns the base that {@code base} replaced, or empty when it is the first. */
    public Optional<LatestPointer> before(LatestPointer base) {
        return base.round() == 0 ? Optional.empty() : history.forRound(base.round() - 1);
    }

    /**
     * Returns the verified base {@code revision}: downloaded once and checked against its hash by the
     * protocol's one base-model cache ({@link BaseModelSource}); the gym keeps the {@value #KEEP_REVISIONS}
     * most recently used revisions (it also trains on the base before the round's).
     *
     * @throws io.tensorswarm.protocol.BaseModelMismatchException when the stored weights do not hash to
     *     the revision
     * @throws io.tensorswarm.storage.StorageException when the download fails
     */
    public Base fetch(String revision) {
        try {
            boolean cached = Files.isRegularFile(cacheDir.resolve(revision).resolve(ModelDirectory.WEIGHTS_FILE));
            Path dir = models.fetch(revision).dir();
            Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            if (!cached) {
                pruneOldest();
            }
            return new Base(revision, dir, ModelDirectory.readWeights(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache base " + revision + " in " + cacheDir, e);
        }
    }

    /** Keeps the {@value #KEEP_REVISIONS} most recently used revisions. */
    private void pruneOldest() throws IOException {
        try (Stream<Path> entries = Files.list(cacheDir)) {
            var dirs = entries.filter(Files::isDirectory).filter(p -> !p.getFileName().toString().startsWith("."))
                    .sorted(Comparator.comparing(BaseModels::modified).reversed()).toList();
            for (Path old : dirs.subList(Math.min(KEEP_REVISIONS, dirs.size()), dirs.size())) {
                deleteTree(old);
            }
        }
    }

    private static long modified(Path p) {
        try {
            return Files.getLastModifiedTime(p).toMillis();
        } catch (IOException e) {
            return 0;
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    /**
     * A verified base.
     *
     * @param revision SHA-256 of its weights
     * @param dir its model directory (config and weights)
     * @param weights its weights: the layout every delta of its rounds has
     */
    public record Base(String revision, Path dir, ParameterSet weights) {}
}
