package io.tensorswarm.gym.net;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The bases an adversary reads from the averager's store: which base a round has (the append-only
 * history, {@link BaseHistory}, as honest miners use it), the one before it (what a lagging miner
 * still trains on), and their verified weights in {@code <cacheDir>/<revision>/}.
 */
public final class BaseModels {
    private static final long MAX_CONFIG_BYTES = 1L << 20;
    private static final int KEEP_REVISIONS = 4;

    private final ObjectStore store;
    private final BaseHistory history;
    private final Path cacheDir;
    private final long maxModelBytes;

    public BaseModels(ObjectStore store, Path cacheDir, long maxModelBytes) {
        this.store = store;
        this.history = new BaseHistory(store);
        this.cacheDir = cacheDir;
        this.maxModelBytes = maxModelBytes;
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
     * Returns the verified base {@code revision} (downloaded once, checked against its hash).
     *
     * @throws IllegalStateException when the stored weights do not hash to the revision
     * @throws io.tensorswarm.storage.StorageException when the download fails
     */
    public Base fetch(String revision) {
        Path dir = cacheDir.resolve(revision);
        try {
            if (!Files.isRegularFile(dir.resolve(ModelDirectory.WEIGHTS_FILE))) {
                download(revision, dir);
            }
            Files.setLastModifiedTime(dir, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis()));
            return new Base(revision, dir, ModelDirectory.readWeights(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache base " + revision + " in " + cacheDir, e);
        }
    }

    private void download(String revision, Path dir) throws IOException {
        Path staging = cacheDir.resolve(".incoming-" + revision);
        deleteTree(staging);
        Files.createDirectories(staging);
        Path weights = staging.resolve(ModelDirectory.WEIGHTS_FILE);
        store.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes).build(), weights);
        String actual = Sha256.ofFile(weights);
        if (!actual.equals(revision)) {
            deleteTree(staging);
            throw new IllegalStateException("base " + StorageLayout.modelKey(revision) + " hashes to " + actual);
        }
        store.get(GetRequest.of(StorageLayout.modelConfigKey(revision), MAX_CONFIG_BYTES),
                staging.resolve(ModelDirectory.CONFIG_FILE));
        deleteTree(dir);
        Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
        pruneOldest();
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
