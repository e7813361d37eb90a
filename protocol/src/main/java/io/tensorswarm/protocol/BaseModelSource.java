package io.tensorswarm.protocol;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a round's base model in the averager's store ({@code --base.location}) and keeps a verified
 * local copy under {@code <cacheDir>/<revision>/}. The base of round r is the one {@link BaseHistory}
 * names for it, whenever it is asked (the averager may have published newer bases since). The
 * one base-model cache of the validator and the averager. Not thread-safe.
 */
public final class BaseModelSource {
    /** The largest model file downloaded by default (64 GiB). */
    public static final long DEFAULT_MAX_MODEL_BYTES = 64L << 30;
    /** The largest {@code config.json} read. */
    public static final long MAX_CONFIG_BYTES = 1 << 20;
    /** The largest {@code tokenizer.json} read. */
    public static final long MAX_TOKENIZER_BYTES = 64L << 20;

    private final ObjectStore store;
    private final Path cacheDir;
    private final long maxModelBytes;
    /** Revisions whose cached weights this process has hashed or downloaded (hashing a big model once is enough). */
    private final java.util.Set<String> verifiedDirs = new java.util.HashSet<>();

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
     * {@code tokenizer.json}. A cached copy is trusted only while its weights still hash to the revision.
     */
    public BaseModel fetch(String revision) {
        StorageLayout.modelPrefix(revision); // refuses a malformed revision before it names a folder
        Path dir = cacheDir.resolve(revision);
        Path weights = dir.resolve(ModelDirectory.WEIGHTS_FILE);
        Path config = dir.resolve(ModelDirectory.CONFIG_FILE);
        Path tokenizer = dir.resolve(StorageLayout.TOKENIZER_FILE);
        if (!verified(dir, revision)) {
            store.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes)
                    .optExpectedSha256(revision).build(), weights);
        }
        if (!Files.isRegularFile(config)) {
            store.get(GetRequest.builder().setKey(StorageLayout.modelConfigKey(revision))
                    .optMaxBytes(MAX_CONFIG_BYTES).build(), config);
        }
        String tokenizerKey = StorageLayout.modelTokenizerKey(revision);
        if (!Files.isRegularFile(tokenizer) && store.stat(tokenizerKey).isPresent()) {
            store.get(GetRequest.of(tokenizerKey, MAX_TOKENIZER_BYTES), tokenizer);
        }
        verifiedDirs.add(revision);
        return new BaseModel(revision, dir);
    }

    private boolean verified(Path dir, String revision) {
        Path weights = dir.resolve(ModelDirectory.WEIGHTS_FILE);
        if (!Files.isRegularFile(weights)) {
            return false;
        }
        if (verifiedDirs.contains(revision)) {
            return true;
        }
        return Sha256.ofFile(weights).equals(revision);
    }
}
