package io.tensorswarm.orchestrator.watch;

import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Local copies of base model revisions from the averager's store, under {@code
 * <cacheDir>/<revision>/}: {@code config.json} and {@code tokenizer.json} (when published) for the
 * dataset's pages, {@code model.safetensors} (verified against the revision, which is its SHA-256)
 * for the loss. Each file appears only once complete and verified ({@link ObjectStore#get}
 * replaces its target atomically), so an interrupted download is simply repeated. Not thread-safe.
 */
public final class BaseModels {
    /** The largest {@code config.json} read. */
    public static final long MAX_CONFIG_BYTES = 1 << 20;
    /** The largest {@code tokenizer.json} read. */
    public static final long MAX_TOKENIZER_BYTES = 256L << 20;

    private final ObjectStore store;
    private final Path cacheDir;
    private final long maxModelBytes;

    /** Reads from {@code store} into {@code cacheDir}, refusing weights above {@code maxModelBytes}. */
    public BaseModels(ObjectStore store, Path cacheDir, long maxModelBytes) {
        this.store = Objects.requireNonNull(store, "store");
        this.cacheDir = Objects.requireNonNull(cacheDir, "cacheDir");
        this.maxModelBytes = maxModelBytes;
    }

    /**
     * Returns the revision's folder holding at least {@code config.json} (and {@code tokenizer.json}
     * when the store has one), downloading what is missing.
     *
     * @throws StorageException when a download fails
     */
    public Path config(String revision) {
        Path dir = dir(revision);
        Path config = dir.resolve(ModelDirectory.CONFIG_FILE);
        if (!Files.isRegularFile(config)) {
            String tokenizerKey = StorageLayout.modelPrefix(revision) + Tokenizers.TOKENIZER_FILE;
            if (store.stat(tokenizerKey).isPresent()) {
                store.get(GetRequest.builder().setKey(tokenizerKey).optMaxBytes(MAX_TOKENIZER_BYTES).build(),
                        dir.resolve(Tokenizers.TOKENIZER_FILE));
            }
            store.get(GetRequest.builder().setKey(StorageLayout.modelConfigKey(revision)).optMaxBytes(MAX_CONFIG_BYTES)
                    .build(), config);
        }
        return dir;
    }

    /**
     * Returns the revision's folder with its weights too, downloading and verifying what is missing.
     *
     * @throws StorageException when a download fails or the weights do not hash to the revision
     */
    public Path model(String revision) {
        Path dir = config(revision);
        Path weights = dir.resolve(ModelDirectory.WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            store.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes)
                    .optExpectedSha256(revision).build(), weights);
        }
        return dir;
    }

    /** Deletes every cached revision except {@code keep}. */
    public void retainOnly(Set<String> keep) {
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        try (Stream<Path> dirs = Files.list(cacheDir)) {
            for (Path d : dirs.toList()) {
                if (Files.isDirectory(d) && !keep.contains(d.getFileName().toString())) {
                    deleteTree(d);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + cacheDir + ": " + e.getMessage(), e);
        }
    }

    private Path dir(String revision) {
        StorageLayout.modelPrefix(revision); // validates the revision: no path can escape the cache
        Path dir = cacheDir.resolve(revision);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
