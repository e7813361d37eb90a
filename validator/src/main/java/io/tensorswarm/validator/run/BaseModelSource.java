package io.tensorswarm.validator.run;

import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Finds a round's base model in the averager's store ({@code --base.location}) and keeps a verified
 * local copy under {@code <cacheDir>/<revision>/}. The base of round r is the {@code latest} pointer's
 * revision when the pointer's round is at most r; once the averager has moved on, an older round's
 * base is no longer known from the pointer and {@link #forRound} returns empty. Not thread-safe.
 */
public final class BaseModelSource {
    /** The largest {@code config.json} read. */
    public static final long MAX_CONFIG_BYTES = 1 << 20;

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
     * Returns the base of {@code round}, downloading it when it is not cached, or empty when the store
     * has no {@code latest} pointer or the pointer is for a later round.
     *
     * @throws TensorswarmException when the pointer or the model cannot be read or fails its hash
     */
    public Optional<BaseModel> forRound(long round) {
        Optional<String> pointer = store.readPointer(StorageLayout.LATEST);
        if (pointer.isEmpty()) {
            return Optional.empty();
        }
        LatestPointer latest = LatestPointer.parse(pointer.get().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (latest.round() > round) {
            return Optional.empty();
        }
        return Optional.of(fetch(latest.revision()));
    }

    /** Returns revision {@code revision}, downloading and verifying it when it is not cached. */
    public BaseModel fetch(String revision) {
        Path dir = cacheDir.resolve(revision);
        Path weights = dir.resolve(ModelDirectory.WEIGHTS_FILE);
        Path config = dir.resolve(ModelDirectory.CONFIG_FILE);
        if (!Files.isRegularFile(weights) || !Files.isRegularFile(config)) {
            store.get(GetRequest.builder().setKey(StorageLayout.modelConfigKey(revision))
                    .optMaxBytes(MAX_CONFIG_BYTES).build(), config);
            store.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes)
                    .optExpectedSha256(revision).build(), weights);
        }
        return new BaseModel(revision, dir);
    }
}
