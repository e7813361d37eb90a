package io.tensorswarm.miner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's round journal, {@code <state.dir>/miner-state.json}: the last round it published (and
 * that round's delta hash and base), so a miner restarted in the same round does not publish it a
 * second time. Written atomically (temporary file, fsync, rename); an unreadable journal is ignored
 * with a warning, which at worst repeats the current round.
 *
 * <p>Also home of the atomic file helpers the loop uses for the error-feedback residual.
 */
public final class MinerState {
    private static final Logger log = LoggerFactory.getLogger(MinerState.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The journal's file name under the state directory. */
    public static final String FILE = "miner-state.json";

    private final Path file;

    /** The journal of the miner whose state lives in {@code stateDir}. */
    public MinerState(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    /** Returns the last round this miner published, or empty when it never did (or the journal is unreadable). */
    public OptionalLong lastPublishedRound() {
        if (!Files.isRegularFile(file)) {
            return OptionalLong.empty();
        }
        try {
            JsonNode node = JSON.readTree(file.toFile()).path("last_published_round");
            if (node.canConvertToLong()) {
                return OptionalLong.of(node.asLong());
            }
            log.warn("{} has no last_published_round; ignoring it", file);
        } catch (IOException e) {
            log.warn("cannot read {}: {}; ignoring it", file, e.getMessage());
        }
        return OptionalLong.empty();
    }

    /** Records that {@code round} was published (commitment set, delta and manifest uploaded). */
    public void recordPublished(long round, String deltaSha256, String baseRevision) throws IOException {
        ObjectNode node = JSON.createObjectNode();
        node.put("last_published_round", round);
        node.put("delta_sha256", deltaSha256);
        node.put("base_revision", baseRevision);
        writeAtomically(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
    }

    /** Writes {@code bytes} to {@code target} so that readers see the old file or the whole new one. */
    static void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName() + ".", ".tmp");
        try {
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(bytes);
                while (buffer.hasRemaining()) {
                    ch.write(buffer);
                }
                ch.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } finally {
            Files.deleteIfExists(tmp);
        }
        syncDirectory(dir);
    }

    /** Renames {@code source} over {@code target} atomically (same file system) and makes it durable. */
    static void moveAtomically(Path source, Path target) throws IOException {
        Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.toAbsolutePath().getParent());
    }

    private static void syncDirectory(Path dir) {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort: some file systems cannot sync a directory; the rename itself is atomic
        }
    }
}
