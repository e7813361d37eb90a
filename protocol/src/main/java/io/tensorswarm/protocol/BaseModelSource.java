package io.tensorswarm.protocol;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds a round's base model in the averager's store ({@code --base.location}) and keeps a verified
 * local copy under {@code <cacheDir>/<revision>/}. The base of round r is the one {@link BaseHistory}
 * names for it, whenever it is asked (the averager may have published newer bases since). The
 * one base-model cache of the miner, the validator and the averager. Not thread-safe.
 */
public final class BaseModelSource {
    private static final Logger log = LoggerFactory.getLogger(BaseModelSource.class);
    /** The largest model file downloaded by default (64 GiB). */
    public static final long DEFAULT_MAX_MODEL_BYTES = 64L << 30;
    /** The largest {@code config.json} read. */
    public static final long MAX_CONFIG_BYTES = 1 << 20;
    /** The largest {@code tokenizer.json} read. */
    public static final long MAX_TOKENIZER_BYTES = 64L << 20;

    private final ObjectStore store;
    private final Path cacheDir;
    private final long maxModelBytes;

    /** Reads from {@code store}, caching models under {@code cacheDir}, refusing models above {@code maxModelBytes}. */
    public BaseModelSource(ObjectStore store, Path cacheDir, long maxModelBytes) {
        this.store = store;
        this.cacheDir = cacheDir;
        this.maxModelBytes = maxModelBytes;
    }

    /** Returns a base model revision and its local directory. */
    public record BaseModel(String revision, Path dir) {}

    /**
     * Returns the base of {@code round}, downloading it when it is not cached, or empty when the base
     * history has no base at or before the round.
     *
     * @throws TensorswarmException when the history or the model cannot be read or fails its hash
     */
    public Optional<BaseModel> forRound(long round) {
        Optional<LatestPointer> base = new BaseHistory(store).forRound(round);
        return base.map(b -> fetch(b.revision()));
    }

    /** Returns the newest base (the head of the history), downloading it when it is not cached. */
    public Optional<BaseModel> newest() {
        return new BaseHistory(store).head().map(b -> fetch(b.revision()));
    }

    /**
     * Returns revision {@code revision}, downloading and verifying it when it is not cached: {@code
     * model.safetensors} (its SHA-256 must be the revision), {@code config.json} and, when published,
     * {@code tokenizer.json}. Files are downloaded into a staging folder and moved into place only
     * once verified, so a cached revision folder is always a complete, verified one (a download
     * killed midway leaves only the staging folder, redone next time).
     *
     * @throws BaseModelMismatchException when the weights do not hash to the revision
     * @throws io.tensorswarm.storage.StorageException when a download fails
     * @throws java.io.UncheckedIOException when the cache folder cannot be written
     */
    public BaseModel fetch(String revision) {
        StorageLayout.modelPrefix(revision); // refuses a malformed revision before it names a folder
        Path dir = cacheDir.resolve(revision);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.WEIGHTS_FILE))
                && Files.isRegularFile(dir.resolve(ModelDirectory.CONFIG_FILE))) {
            return new BaseModel(revision, dir);
        }
        Path staging = cacheDir.resolve(".incoming-" + revision);
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Path weights = staging.resolve(ModelDirectory.WEIGHTS_FILE);
            store.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes).build(),
                    weights);
            String actual = Sha256.ofFile(weights);
            if (!actual.equals(revision)) {
                deleteTree(staging);
                throw new BaseModelMismatchException("base model " + StorageLayout.modelKey(revision) + " in "
                        + store.location() + " has SHA-256 " + actual + ", not its revision; refusing to use it");
            }
            store.get(GetRequest.of(StorageLayout.modelConfigKey(revision), MAX_CONFIG_BYTES),
                    staging.resolve(ModelDirectory.CONFIG_FILE));
            String tokenizerKey = StorageLayout.modelTokenizerKey(revision);
            if (store.stat(tokenizerKey).isPresent()) {
                store.get(GetRequest.of(tokenizerKey, MAX_TOKENIZER_BYTES), staging.resolve(StorageLayout.TOKENIZER_FILE));
            }
            deleteTree(dir); // a folder left by an older layout without its config
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            log.info("fetched base model {} into {}", revision, dir);
            return new BaseModel(revision, dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache base model " + revision + " in " + cacheDir, e);
        }
    }

    /** Removes every cached revision but {@code keep} (a miner needs only the base it trains on). */
    public void removeOtherRevisions(String keep) {
        if (!Files.isDirectory(cacheDir)) {
            return;
        }
        try (Stream<Path> entries = Files.list(cacheDir)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals(keep)) {
                    deleteTree(entry);
                }
            }
        } catch (IOException e) {
            log.warn("cannot prune the model cache {}: {}", cacheDir, e.getMessage());
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
}
