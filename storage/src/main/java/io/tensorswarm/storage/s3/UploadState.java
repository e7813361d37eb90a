package io.tensorswarm.storage.s3;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.storage.transfer.Hex;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * What a multipart upload needs to resume after a crash: the upload id and the facts that show the
 * local file is unchanged. Stored as one small JSON file per (bucket, key, source file).
 *
 * @param bucket the bucket
 * @param objectKey the full S3 key
 * @param source the absolute path of the file being uploaded
 * @param size the file's size when the upload started
 * @param modifiedMillis the file's modification time when the upload started
 * @param partSize the part size the upload uses
 * @param sha256 the file's SHA-256 (saves hashing it again)
 * @param uploadId the S3 multipart upload id
 */
record UploadState(
        String bucket, String objectKey, String source, long size, long modifiedMillis, long partSize, String sha256, String uploadId) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Returns the state file for an upload of {@code source} to {@code bucket/objectKey}. */
    static Path fileFor(Path stateDir, String bucket, String objectKey, Path source) {
        String id = Hex.sha256Hex((bucket + "\n" + objectKey + "\n" + source.toAbsolutePath()).getBytes(StandardCharsets.UTF_8));
        return stateDir.resolve(id.substring(0, 32) + ".json");
    }

    /** Returns the saved state, or empty when there is none or it cannot be read. */
    static Optional<UploadState> read(Path file) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            return Optional.of(JSON.readValue(file.toFile(), UploadState.class));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    /** Writes the state atomically. */
    void write(Path file) throws IOException {
        Files.createDirectories(file.getParent());
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        JSON.writeValue(tmp.toFile(), this);
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** Returns whether this state was written for the same file content and part size. */
    boolean matches(String bucket, String objectKey, Path source, long size, long modifiedMillis, long partSize) {
        return this.bucket.equals(bucket) && this.objectKey.equals(objectKey)
                && this.source.equals(source.toAbsolutePath().toString())
                && this.size == size && this.modifiedMillis == modifiedMillis && this.partSize == partSize;
    }
}
