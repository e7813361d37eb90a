package io.tensorswarm.miner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.safetensors.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's round journal, {@code <state.dir>/miner-state.json}: the last round it published (and
 * that round's delta hash and base), so a miner restarted in the same round does not publish it a
 * second time, and how long its last rounds took from the end of training to the commitment
 * ({@code recent_finish_seconds}, the last {@value #FINISH_HISTORY}), from which it learns how much
 * of a round to keep for that ({@link TrainingBudget}). Read once when created; every change rewrites
 * the whole file atomically ({@link AtomicFiles}). An unreadable journal is ignored with a warning,
 * which at worst repeats the current round and starts the finish history over.
 *
 * <p>Also home of the atomic rename the loop uses to move a round's residual and optimizer state into
 * place.
 */
public final class MinerState {
    private static final Logger log = LoggerFactory.getLogger(MinerState.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** The journal's file name under the state directory. */
    public static final String FILE = "miner-state.json";
    /** How many rounds' finish times are kept. */
    public static final int FINISH_HISTORY = 5;

    private final Path file;
    private Long lastPublishedRound;
    private String deltaSha256;
    private String baseRevision;
    private final List<Double> recentFinishSeconds = new ArrayList<>();

    /** The journal of the miner whose state lives in {@code stateDir}, as the file holds it now. */
    public MinerState(Path stateDir) {
        this.file = stateDir.resolve(FILE);
        read();
    }

    public Path file() {
        return file;
    }

    /** Returns the last round this miner published, or empty when it never did (or the journal is unreadable). */
    public synchronized OptionalLong lastPublishedRound() {
        return lastPublishedRound == null ? OptionalLong.empty() : OptionalLong.of(lastPublishedRound);
    }

    /** Returns the seconds the last rounds took from the end of training to the commitment, oldest first. */
    public synchronized List<Double> recentFinishSeconds() {
        return List.copyOf(recentFinishSeconds);
    }

    /** Records that {@code round} was published (commitment set, delta and manifest uploaded). */
    public synchronized void recordPublished(long round, String deltaSha256, String baseRevision) throws IOException {
        this.lastPublishedRound = round;
        this.deltaSha256 = deltaSha256;
        this.baseRevision = baseRevision;
        write();
    }

    /** Records how long a round took from the end of training to its commitment (or what a miss calls for). */
    public synchronized void recordFinish(double seconds) throws IOException {
        if (!(seconds >= 0) || Double.isInfinite(seconds)) {
            throw new IllegalArgumentException("finish time " + seconds + " s is not a duration");
        }
        recentFinishSeconds.add(seconds);
        while (recentFinishSeconds.size() > FINISH_HISTORY) {
            recentFinishSeconds.remove(0);
        }
        write();
    }

    private void read() {
        if (!Files.isRegularFile(file)) {
            return;
        }
        JsonNode root;
        try {
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            log.warn("cannot read {}: {}; ignoring it", file, e.getMessage());
            return;
        }
        JsonNode round = root.path("last_published_round");
        if (round.canConvertToLong()) {
            lastPublishedRound = round.asLong();
            deltaSha256 = root.path("delta_sha256").isTextual() ? root.path("delta_sha256").asText() : null;
            baseRevision = root.path("base_revision").isTextual() ? root.path("base_revision").asText() : null;
        } else if (!round.isMissingNode()) {
            log.warn("{} has no usable last_published_round; ignoring it", file);
        }
        JsonNode finishes = root.path("recent_finish_seconds");
        if (finishes.isArray()) {
            for (JsonNode f : finishes) {
                if (!f.isNumber() || !(f.asDouble() >= 0) || Double.isInfinite(f.asDouble())) {
                    log.warn("{} has a recent_finish_seconds entry that is not a duration ({}); starting that history over",
                            file, f);
                    recentFinishSeconds.clear();
                    break;
                }
                recentFinishSeconds.add(f.asDouble());
            }
            while (recentFinishSeconds.size() > FINISH_HISTORY) {
                recentFinishSeconds.remove(0);
            }
        }
    }

    private void write() throws IOException {
        ObjectNode node = JSON.createObjectNode();
        if (lastPublishedRound != null) {
            node.put("last_published_round", lastPublishedRound);
            node.put("delta_sha256", deltaSha256);
            node.put("base_revision", baseRevision);
        }
        ArrayNode finishes = node.putArray("recent_finish_seconds");
        recentFinishSeconds.forEach(finishes::add);
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
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
