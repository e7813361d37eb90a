package io.tensorswarm.miner.run;

import io.tensorswarm.common.model.ModelDirectory;
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
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches base models from the averager's store into {@code <cacheDir>/<revision>/}, keeping only
 * models whose {@code model.safetensors} hashes to their revision. A revision directory appears only
 * after verification (downloaded into a temporary folder, then moved), so a cached directory is
 * always a verified one; older revisions are removed once a new one is in place.
 */
public final class BaseModelCache {
    private static final Logger log = LoggerFactory.getLogger(BaseModelCache.class);
    private static final long MAX_CONFIG_BYTES = 1L << 20;

    private final ObjectStore baseStore;
    private final Path cacheDir;
    private final long maxModelBytes;

    /** Creates a cache of models from {@code baseStore}, refusing weights above {@code maxModelBytes}. */
    public BaseModelCache(ObjectStore baseStore, Path cacheDir, long maxModelBytes) {
        this.baseStore = baseStore;
        this.cacheDir = cacheDir;
        this.maxModelBytes = maxModelBytes;
    }

    /**
     * Returns the directory of the verified model {@code revision}, downloading it when not cached.
     *
     * @throws BaseModelMismatchException when the downloaded weights do not hash to {@code revision}
     * @throws io.tensorswarm.storage.StorageException when the download fails
     */
    public Path fetch(String revision) {
        Path dir = cacheDir.resolve(revision);
        if (Files.isRegularFile(dir.resolve(ModelDirectory.WEIGHTS_FILE))) {
            return dir;
        }
        Path staging = cacheDir.resolve(".incoming-" + revision);
        try {
            deleteTree(staging);
            Files.createDirectories(staging);
            Path weights = staging.resolve(ModelDirectory.WEIGHTS_FILE);
            baseStore.get(GetRequest.builder().setKey(StorageLayout.modelKey(revision)).optMaxBytes(maxModelBytes).build(),
                    weights);
            String actual = Sha256.ofFile(weights);
            if (!actual.equals(revision)) {
                deleteTree(staging);
                throw new BaseModelMismatchException("base model " + StorageLayout.modelKey(revision) + " in "
                        + baseStore.location() + " has SHA-256 " + actual + ", not its revision; refusing to train on it");
            }
            baseStore.get(GetRequest.of(StorageLayout.modelConfigKey(revision), MAX_CONFIG_BYTES),
                    staging.resolve(ModelDirectory.CONFIG_FILE));
            Files.move(staging, dir, StandardCopyOption.ATOMIC_MOVE);
            removeOtherRevisions(revision);
            log.info("fetched base model {} into {}", revision, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache base model " + revision + " in " + cacheDir, e);
        }
    }

    private void removeOtherRevisions(String keep) throws IOException {
        try (Stream<Path> entries = Files.list(cacheDir)) {
            for (Path entry : entries.toList()) {
                if (!entry.getFileName().toString().equals(keep)) {
                    deleteTree(entry);
                }
            }
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
