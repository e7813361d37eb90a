package io.tensorswarm.orchestrator.history;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's memory for its dashboard: every base revision it saw as {@code latest} (with
 * its measured loss) and one {@link RoundRecord} per round. Kept in memory and, when opened on a
 * file, written there atomically ({@link StateFile}) after every change, so a restart or {@code
 * kill -9} loses nothing that was recorded. At most {@link #MAX_REVISIONS} revisions and {@link
 * #MAX_ROUNDS} rounds are kept (the oldest go first). Safe for concurrent use.
 *
 * <p>File form: {@code {"schema":1,"revisions":[RevisionRecord...],"rounds":[RoundRecord...]}},
 * revisions in the order seen, rounds ascending. A file that cannot be parsed is moved aside to
 * {@code history.json.unreadable-<millis>} with a warning and the history starts empty: it feeds a
 * dashboard only, so it never keeps the orchestrator from starting.
 *
 * <pre>{@code
 * History history = History.open(stateDir.resolve("history.json"), Clock.systemUTC());
 * history.observeRevision(pointer.revision(), pointer.round(), block);
 * history.recordRound(round, block, incentiveByHotkey, committedHotkeys);
 * }</pre>
 */
public final class History {
    private static final Logger log = LoggerFactory.getLogger(History.class);

    /** The schema version written and read. */
    public static final int SCHEMA = 1;
    /** Revisions kept. */
    public static final int MAX_REVISIONS = 1000;
    /** Rounds kept. */
    public static final int MAX_ROUNDS = 500;
    static final int MAX_FILE_BYTES = 64 << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private record FileForm(int schema, List<RevisionRecord> revisions, List<RoundRecord> rounds) {}

    private final Path file;
    private final Clock clock;
    private final Map<String, RevisionRecord> revisions = new LinkedHashMap<>();
    private final TreeMap<Long, RoundRecord> rounds = new TreeMap<>();

    private History(Path file, Clock clock) {
        this.file = file;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns an empty history kept only in memory. */
    public static History inMemory(Clock clock) {
        return new History(null, clock);
    }

    /** Opens the history persisted in {@code file}; empty when the file is missing or unreadable. */
    public static History open(Path file, Clock clock) {
        History h = new History(Objects.requireNonNull(file, "file"), clock);
        h.load();
        return h;
    }

    /** Returns the file, or null in memory. */
    public Path file() {
        return file;
    }

    /**
     * Records that {@code latest} names {@code revision} (first trained on in {@code round}) at
     * {@code block}; returns true when the revision is new (and then persists).
     *
     * @throws HistoryException when persisting fails (the record stays in memory)
     */
    public synchronized boolean observeRevision(String revision, long round, long block) {
        if (revisions.containsKey(revision)) {
            return false;
        }
        revisions.put(revision, new RevisionRecord(revision, round, block, clock.millis(), null, null, null, null));
        while (revisions.size() > MAX_REVISIONS) {
            revisions.remove(revisions.keySet().iterator().next());
        }
        persist();
        return true;
    }

    /**
     * Stores the loss of a revision seen before (ignored for an unknown one) and persists.
     *
     * @throws HistoryException when persisting fails
     */
    public synchronized void recordLoss(String revision, double loss, long tokens, int pages) {
        RevisionRecord r = revisions.get(revision);
        if (r != null) {
            revisions.put(revision, r.withLoss(loss, tokens, pages));
            persist();
        }
    }

    /**
     * Stores why a revision's loss could not be measured and persists.
     *
     * @throws HistoryException when persisting fails
     */
    public synchronized void recordLossError(String revision, String error) {
        RevisionRecord r = revisions.get(revision);
        if (r != null && !error.equals(r.lossError())) {
            revisions.put(revision, r.withLossError(error));
            persist();
        }
    }

    /**
     * Replaces round {@code round}'s record with the chain's current view; persists (and returns
     * true) only when the incentive or the committed set changed, or the round is new.
     *
     * @throws HistoryException when persisting fails
     */
    public synchronized boolean recordRound(long round, long block, Map<String, Double> incentive,
            Collection<String> committed) {
        RoundRecord next = new RoundRecord(round, block, incentive, List.copyOf(committed));
        RoundRecord prev = rounds.get(round);
        if (prev != null && prev.incentive().equals(next.incentive()) && prev.committed().equals(next.committed())) {
            return false;
        }
        rounds.put(round, next);
        while (rounds.size() > MAX_ROUNDS) {
            rounds.pollFirstEntry();
        }
        persist();
        return true;
    }

    /** Returns the revisions in the order first seen. */
    public synchronized List<RevisionRecord> revisions() {
        return List.copyOf(revisions.values());
    }

    /** Returns the record of {@code revision}, if seen. */
    public synchronized Optional<RevisionRecord> revision(String revision) {
        return Optional.ofNullable(revisions.get(revision));
    }

    /** Returns the last {@code n} round records, ascending. */
    public synchronized List<RoundRecord> rounds(int n) {
        List<RoundRecord> all = new ArrayList<>(rounds.values());
        return List.copyOf(all.subList(Math.max(0, all.size() - n), all.size()));
    }

    /**
     * Writes the history to its file (a no-op in memory); every change already does.
     *
     * @throws HistoryException when writing fails
     */
    public synchronized void persist() {
        if (file == null) {
            return;
        }
        try {
            byte[] bytes = JSON.writeValueAsBytes(new FileForm(SCHEMA, List.copyOf(revisions.values()),
                    List.copyOf(rounds.values())));
            StateFile.write(file, bytes);
        } catch (IOException e) {
            throw new HistoryException("cannot write history " + file + ": " + e.getMessage(), e);
        }
    }

    private void load() {
        FileForm form;
        try {
            Optional<byte[]> bytes = StateFile.read(file, MAX_FILE_BYTES);
            if (bytes.isEmpty()) {
                return;
            }
            form = JSON.readValue(bytes.get(), FileForm.class);
            if (form.schema() != SCHEMA || form.revisions() == null || form.rounds() == null) {
                throw new IOException("schema " + form.schema() + ", expected " + SCHEMA);
            }
        } catch (IOException | RuntimeException e) {
            moveAside(e);
            return;
        }
        for (RevisionRecord r : form.revisions()) {
            if (r != null && r.revision() != null) {
                revisions.put(r.revision(), r);
            }
        }
        for (RoundRecord r : form.rounds()) {
            if (r != null) {
                rounds.put(r.round(), r);
            }
        }
        log.info("Loaded history of {} revisions and {} rounds from {}", revisions.size(), rounds.size(), file);
    }

    private void moveAside(Exception cause) {
        Path aside = file.resolveSibling(file.getFileName() + ".unreadable-" + clock.millis());
        try {
            Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
            log.warn("History {} is unreadable ({}); moved it to {} and starting an empty history", file,
                    oneLine(cause), aside);
        } catch (IOException e) {
            throw new HistoryException("history " + file + " is unreadable (" + oneLine(cause)
                    + ") and cannot be moved aside: " + e.getMessage(), e);
        }
    }

    private static String oneLine(Exception e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int nl = m.indexOf('\n');
        return nl < 0 ? m : m.substring(0, nl);
    }
}
