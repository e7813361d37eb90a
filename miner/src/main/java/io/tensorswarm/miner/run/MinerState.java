package io.tensorswarm.miner.run;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.LoggedText;
import io.tensorswarm.common.protocol.ProtocolIds;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.safetensors.AtomicFiles;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * which at worst repeats the current round and starts the finish history over; so are, each with a
 * one-line warning naming the file and the field, values out of bounds: a round that is not a whole
 * number in {@code [0, 2^32 - 1]} ({@link RoundClock#MAX_ROUND}) or a hash that is not 64 lowercase
 * hex (the published round is ignored), a finish time that is not a number of seconds in {@code [0,
 * }{@value #MAX_FINISH_SECONDS}{@code ]} or more than {@value #MAX_FINISH_ENTRIES} of them (the finish
 * history starts over), a file over {@value #MAX_BYTES} bytes (ignored unread).
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
    /**
     * The longest finish time kept, in seconds (a day): longer measurements are kept as this. A
     * journal holding more is refused, as its reserve would leave no training time, or overflow.
     */
    static final double MAX_FINISH_SECONDS = 86_400;
    /** The most finish times a journal may list (this build writes {@value #FINISH_HISTORY}). */
    static final int MAX_FINISH_ENTRIES = 64;
    /** Journals larger than this are ignored before parsing (this build writes a few hundred bytes). */
    static final long MAX_BYTES = 64 * 1024;

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
        recentFinishSeconds.add(Math.min(seconds, MAX_FINISH_SECONDS));
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
            long size = Files.size(file);
            if (size > MAX_BYTES) {
                log.warn("{}: the file is {} bytes, above the {}-byte cap; ignoring it (at worst this round is "
                        + "published again and the finish history starts over)", file, size, MAX_BYTES);
                return;
            }
            root = JSON.readTree(file.toFile());
        } catch (IOException e) {
            log.warn("{}: not readable JSON ({}); ignoring it (at worst this round is published again and the finish "
                    + "history starts over)", file, firstLine(e));
            return;
        }
        if (root == null || !root.isObject()) {
            log.warn("{}: not a JSON object; ignoring it (at worst this round is published again and the finish "
                    + "history starts over)", file);
            return;
        }
        String roundProblem = publishedProblem(root);
        if (roundProblem != null) {
            log.warn("{}: {}; ignoring the recorded round (at worst it is published again)", file, roundProblem);
        } else if (root.has("last_published_round")) {
            lastPublishedRound = root.get("last_published_round").longValue();
            deltaSha256 = root.path("delta_sha256").isTextual() ? root.path("delta_sha256").textValue() : null;
            baseRevision = root.path("base_revision").isTextual() ? root.path("base_revision").textValue() : null;
        }
        String finishProblem = finishProblem(root);
        if (finishProblem != null) {
            log.warn("{}: {}; starting the finish history over", file, finishProblem);
            return;
        }
        JsonNode finishes = root.path("recent_finish_seconds");
        // Oldest first: only the last FINISH_HISTORY count (an older build may have kept more).
        for (int i = Math.max(0, finishes.size() - FINISH_HISTORY); i < finishes.size(); i++) {
            recentFinishSeconds.add(finishes.get(i).doubleValue());
        }
    }

    /** Returns what is wrong with the published-round fields (one line naming the field), or null. */
    private static String publishedProblem(JsonNode root) {
        JsonNode round = root.get("last_published_round");
        if (round == null || round.isNull()) {
            return null;
        }
        if (!round.isIntegralNumber()) {
            return "field last_published_round is " + shown(round) + ", not a whole round number";
        }
        if (!round.canConvertToLong() || round.longValue() > RoundClock.MAX_ROUND) {
            return "field last_published_round is " + shown(round) + ", above " + RoundClock.MAX_ROUND;
        }
        if (round.longValue() < 0) {
            return "field last_published_round is " + round.asText() + ", below 0";
        }
        for (String field : List.of("delta_sha256", "base_revision")) {
            JsonNode v = root.get(field);
            if (v != null && !v.isNull() && !(v.isTextual() && ProtocolIds.isSha256Hex(v.textValue()))) {
                return "field " + field + " is " + shown(v) + ", not 64 lowercase hex characters";
            }
        }
        return null;
    }

    /** Returns what is wrong with {@code recent_finish_seconds} (one line naming the field), or null. */
    private static String finishProblem(JsonNode root) {
        JsonNode finishes = root.get("recent_finish_seconds");
        if (finishes == null || finishes.isNull()) {
            return null;
        }
        if (!finishes.isArray()) {
            return "field recent_finish_seconds is " + shown(finishes) + ", not a list of durations";
        }
        if (finishes.size() > MAX_FINISH_ENTRIES) {
            return "field recent_finish_seconds has " + finishes.size() + " entries, above " + MAX_FINISH_ENTRIES;
        }
        for (int i = 0; i < finishes.size(); i++) {
            JsonNode f = finishes.get(i);
            String field = "field recent_finish_seconds[" + i + "] is " + shown(f);
            if (!f.isNumber()) {
                return field + ", not a number of seconds";
            }
            double v = f.doubleValue();
            if (Double.isNaN(v) || v < 0) {
                return field + ", below 0";
            }
            if (v > MAX_FINISH_SECONDS) {
                return field + ", above " + (long) MAX_FINISH_SECONDS + " s";
            }
        }
        return null;
    }

    private static String shown(JsonNode v) {
        if (v.isTextual()) {
            return LoggedText.quoted(v.textValue(), 80);
        }
        return LoggedText.plain(v.isValueNode() ? v.asText() : v.getNodeType().name().toLowerCase(Locale.ROOT), 80);
    }

    private static String firstLine(IOException e) {
        String m = String.valueOf(e.getMessage());
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
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
