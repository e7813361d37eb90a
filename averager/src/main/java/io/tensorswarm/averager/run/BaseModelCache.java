package io.tensorswarm.averager.run;

import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Returns a local, verified copy of a published revision under {@code <cacheDir>/<revision>/}:
 * {@code model.safetensors} (downloaded with its SHA-256 = the revision checked) and {@code
 * config.json} (and {@code tokenizer.json} when published). A cached copy whose weights still hash
 * to the revision is reused.
 */
public final class BaseModelCache {
    /** The largest model the averager downloads (64 GiB). */
    public static final long MAX_MODEL_BYTES = 64L << 30;
    /** The largest config or tokenizer file it downloads. */
    public static final long MAX_SIDE_FILE_BYTES = 64L << 20;

    private final ObjectStore store;
    private final Path cacheDir;

    public BaseModelCache(ObjectStore store, Path cacheDir) {
        this.store = store;
        this.cacheDir = cacheDir;
    }

    /**
     * Returns the directory holding {@code pointer}'s revision.
     *
     * @throws PublishException when a file is missing or does not verify
     */
    public Path fetch(LatestPointer pointer) {
        String rev = pointer.revision();
        Path dir = cacheDir.resolve(rev);
        Path weights = dir.resolve(ModelDirectory.WEIGHTS_FILE);
        Path config = dir.resolve(ModelDirectory.CONFIG_FILE);
        try {
            Files.createDirectories(dir);
            if (!(Files.isRegularFile(weights) && Sha256.ofFile(weights).equals(rev))) {
                store.get(GetRequest.builder().setKey(StorageLayout.modelKey(rev)).optMaxBytes(MAX_MODEL_BYTES)
                        .optExpectedSha256(rev).build(), weights);
            }
            if (!Files.isRegularFile(config)) {
                store.get(GetRequest.of(StorageLayout.modelConfigKey(rev), MAX_SIDE_FILE_BYTES), config);
            }
            String tokenizerKey = ModelPublisher.tokenizerKey(rev);
            Path tokenizer = dir.resolve(ModelPublisher.TOKENIZER_FILE);
            if (!Files.isRegularFile(tokenizer) && store.stat(tokenizerKey).isPresent()) {
                store.get(GetRequest.of(tokenizerKey, MAX_SIDE_FILE_BYTES), tokenizer);
            }
        } catch (IOException | StorageException e) {
            throw new PublishException("cannot fetch base revision " + rev + " from " + store.location() + ": "
                    + e.getMessage(), e);
        }
        return dir;
    }
}
