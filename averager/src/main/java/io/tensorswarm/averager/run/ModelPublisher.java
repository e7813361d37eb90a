package io.tensorswarm.averager.run;

import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectInfo;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes a model directory as revision {@code sha256(model.safetensors)} under {@code
 * models/<rev>/} and only then moves {@code latest}: a reader of {@code latest} always finds a
 * complete revision.
 *
 * <p>Order: upload {@code model.safetensors}, {@code config.json} and (when present) {@code
 * tokenizer.json}; read back each object's size and SHA-256 ({@link ObjectStore#stat}, or a
 * download when the backend reports no hash) and compare with the local file; then write {@code
 * latest}. A failure anywhere before the pointer write leaves {@code latest} as it was; the
 * already-uploaded files are harmless (content-addressed) and a retry overwrites them with the same
 * bytes.
 *
 * <pre>{@code
 * LatestPointer now = new ModelPublisher(store).publish(modelDir, 8);
 * }</pre>
 */
public final class ModelPublisher {
    private static final Logger log = LoggerFactory.getLogger(ModelPublisher.class);

    /** File name of the optional tokenizer inside a revision directory. */
    public static final String TOKENIZER_FILE = Tokenizers.TOKENIZER_FILE;

    private final ObjectStore store;

    public ModelPublisher(ObjectStore store) {
        this.store = store;
    }

    /**
     * Returns the store key of {@code models/<revision>/tokenizer.json}.
     *
     * @throws io.tensorswarm.common.protocol.ProtocolException when the revision is malformed
     */
    public static String tokenizerKey(String revision) {
        return StorageLayout.modelPrefix(revision) + TOKENIZER_FILE;
    }

    /**
     * Uploads and verifies the revision, then points {@code latest} at it with {@code round} (the
     * first round that trains on it); returns the new pointer.
     *
     * @throws PublishException when the directory lacks a file, an upload fails or reads back
     *     different; {@code latest} is unchanged then
     */
    public LatestPointer publish(Path modelDir, long round) {
        String revision = uploadRevision(modelDir);
        LatestPointer pointer = new LatestPointer(revision, round);
        append(pointer);
        return pointer;
    }

    /**
     * Appends {@code pointer} to the base history ({@link BaseHistory#append}: its entry, then {@code
     * latest}); call only after {@link #uploadRevision} succeeded for its revision and only for a round
     * that has not started.
     *
     * @throws PublishException when the revision's files are not in the store, the history already has
     *     that round or a later one, or a write fails
     */
    public void append(LatestPointer pointer) {
        requireUploaded(pointer.revision());
        try {
            new BaseHistory(store).append(pointer);
        } catch (StorageException | io.tensorswarm.common.protocol.ProtocolException e) {
            throw new PublishException("cannot add round " + pointer.round() + "'s base to the history in "
                    + store.location() + ": " + e.getMessage(), e);
        }
        log.info("latest -> {} (round {}) in {}", pointer.revision(), pointer.round(), store.location());
    }

    private void requireUploaded(String revision) {
        for (String key : List.of(StorageLayout.modelKey(revision), StorageLayout.modelConfigKey(revision))) {
            if (store.stat(key).isEmpty()) {
                throw new PublishException("refusing to move latest: " + key + " is not in " + store.location());
            }
        }
    }

    /**
     * Uploads the model files under {@code models/<rev>/} and verifies them; returns the revision.
     * Does not touch {@code latest}.
     *
     * @throws PublishException when a file is missing, an upload fails or reads back different
     */
    public String uploadRevision(Path modelDir) {
        Path weights = modelDir.resolve(ModelDirectory.WEIGHTS_FILE);
        Path config = modelDir.resolve(ModelDirectory.CONFIG_FILE);
        for (Path p : List.of(weights, config)) {
            if (!Files.isRegularFile(p)) {
                throw new PublishException("model directory " + modelDir + " has no " + p.getFileName());
            }
        }
        String revision = Sha256.ofFile(weights);
        List<Upload> uploads = new ArrayList<>();
        uploads.add(new Upload(weights, StorageLayout.modelKey(revision)));
        uploads.add(new Upload(config, StorageLayout.modelConfigKey(revision)));
        Path tokenizer = modelDir.resolve(TOKENIZER_FILE);
        if (Files.isRegularFile(tokenizer)) {
            uploads.add(new Upload(tokenizer, tokenizerKey(revision)));
        }
        for (Upload u : uploads) {
            try {
                store.put(PutRequest.ofFile(u.key(), u.file()));
            } catch (StorageException e) {
                throw new PublishException("cannot upload " + u.key() + " to " + store.location() + ": "
                        + e.getMessage(), e);
            }
        }
        for (Upload u : uploads) {
            verify(u);
        }
        log.info("uploaded revision {} ({} files) to {}", revision, uploads.size(), store.location());
        return revision;
    }

    /**
     * Writes {@code latest}; call only after {@link #uploadRevision} succeeded for its revision.
     *
     * @throws PublishException when the revision's files are not in the store or the write fails
     */
    public void movePointer(LatestPointer pointer) {
        for (String key : List.of(StorageLayout.modelKey(pointer.revision()),
                StorageLayout.modelConfigKey(pointer.revision()))) {
            if (store.stat(key).isEmpty()) {
                throw new PublishException("refusing to move latest: " + key + " is not in " + store.location());
            }
        }
        try {
            store.put(PutRequest.builder().setKey(StorageLayout.LATEST).setBytes(pointer.toJson())
                    .optContentType("application/json").build());
        } catch (StorageException e) {
            throw new PublishException("cannot write latest in " + store.location() + ": " + e.getMessage(), e);
        }
        log.info("latest -> {} (round {}) in {}", pointer.revision(), pointer.round(), store.location());
    }

    /**
     * Returns the store's {@code latest} pointer, or empty when there is none.
     *
     * @throws io.tensorswarm.common.protocol.ProtocolException when it is malformed
     */
    public static Optional<LatestPointer> readLatest(ObjectStore store) {
        if (store.stat(StorageLayout.LATEST).isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(LatestPointer.parse(
                    store.getBytes(GetRequest.of(StorageLayout.LATEST, LatestPointer.MAX_BYTES))));
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private void verify(Upload u) {
        long size;
        String sha = Sha256.ofFile(u.file());
        try {
            size = Files.size(u.file());
        } catch (java.io.IOException e) {
            throw new PublishException("cannot read " + u.file() + ": " + e.getMessage(), e);
        }
        ObjectInfo info = store.stat(u.key())
                .orElseThrow(() -> new PublishException("read-back: " + u.key() + " is missing after upload"));
        if (info.size() != size) {
            throw new PublishException("read-back: " + u.key() + " has " + info.size() + " bytes, expected " + size);
        }
        Optional<String> remoteSha = info.sha256Hex();
        if (remoteSha.isPresent()) {
            if (!remoteSha.get().equals(sha)) {
                throw new PublishException("read-back: " + u.key() + " has SHA-256 " + remoteSha.get()
                        + ", expected " + sha);
            }
            return;
        }
        try {
            Path tmp = Files.createTempFile("readback", ".tmp");
            try {
                store.get(GetRequest.builder().setKey(u.key()).optMaxBytes(size).optExpectedSize(size)
                        .optExpectedSha256(sha).build(), tmp);
            } finally {
                Files.deleteIfExists(tmp);
            }
        } catch (java.io.IOException | StorageException e) {
            throw new PublishException("read-back of " + u.key() + " failed: " + e.getMessage(), e);
        }
    }

    private record Upload(Path file, String key) {}
}
