package io.tensorswarm.orchestrator.roster;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.JsonReadErrors;
import io.tensorswarm.common.LoggedText;
import io.tensorswarm.orchestrator.history.StateFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hotkeys that sent heartbeats, with their last report, kept in memory and, when opened on a
 * file, persisted without rewriting everything on every heartbeat: a heartbeat only marks its
 * hotkey changed; once per flush interval (1 s by default) a background thread appends the changed
 * entries to a journal ({@code <file>.journal}, one checksummed line each) and fsyncs it, and when
 * the journal has grown past twice the snapshot (at least 1 MiB) it writes the whole roster as a
 * new snapshot ({@code <file>}, atomically: temporary file, fsync, rename) and empties the journal.
 * A crash loses at most the heartbeats of the last flush interval, never the file: the snapshot is
 * always whole, and a journal line cut short by the crash is skipped when the roster is opened
 * again. At most {@code capacity} hotkeys are kept; a new one beyond that replaces the one seen
 * longest ago. Safe for concurrent use; close it to write everything and stop its thread.
 *
 * <p>Snapshot form: {@code {"schema":1,"entries":[RosterEntry...]}}, entries sorted by hotkey.
 *
 * <p>Both files are checked when opened, entry by entry, with the live heartbeat's rules ({@link
 * Heartbeat}) and the bounds of {@link #problem}: a snapshot entry, or a journal line whose checksum
 * holds, that breaks one is refused with a one-line {@link RosterException} that names the file, the
 * entry and the field, and the orchestrator does not start. Only journal lines whose checksum fails
 * (a write cut short) are skipped.
 *
 * <pre>{@code
 * try (Roster roster = Roster.open(stateDir.resolve("roster.json"), 4096, Clock.systemUTC())) {
 *     roster.record(hotkey, heartbeat);
 * }
 * }</pre>
 */
public final class Roster implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Roster.class);

    /** The schema version written and read. */
    public static final int SCHEMA = 1;
    /** Default number of hotkeys kept. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Default time between two journal flushes: the most heartbeats a crash can lose. */
    public static final Duration DEFAULT_FLUSH_INTERVAL = Duration.ofSeconds(1);
    /** Roster files larger than this are refused before parsing. */
    static final long MAX_FILE_BYTES = 64L << 20;
    /** A snapshot may hold this many entries, or the roster's capacity when larger (this build writes at most the capacity). */
    static final int MAX_SNAPSHOT_ENTRIES = 1 << 16;
    /** Longest stored hotkey, in characters (an SS58 address has 47 or 48). */
    static final int MAX_HOTKEY_CHARS = 64;
    /** How far after this machine's clock a stored {@code lastSeenMillis} may be (a clock set back). */
    static final Duration MAX_CLOCK_AHEAD = Duration.ofDays(1);
    /** The largest stored heartbeat count (2^53 - 1: exact in every JSON reader, and cannot wrap when counted on). */
    static final long MAX_HEARTBEATS = (1L << 53) - 1;
    /** The journal is folded into the snapshot once it is larger than this and twice the snapshot. */
    static final long MIN_COMPACT_BYTES = 1L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private record FileForm(int schema, List<RosterEntry> entries) {}

    private final Path file;
    private final int capacity;
    private final Clock clock;
    private final Map<String, RosterEntry> byHotkey = new HashMap<>();
    private final Set<String> changed = new LinkedHashSet<>();
    private final Object io = new Object();
    private final RosterJournal journal;
    private final ScheduledExecutorService flusher;
    private long snapshotBytes;
    private boolean failing;
    private boolean closed;

    private Roster(Path file, int capacity, Clock clock, Duration flushInterval) {
        if (capacity < 1) {
            throw new IllegalArgumentException("roster capacity must be at least 1, got " + capacity);
        }
        this.file = file;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
        if (file == null) {
            journal = null;
            flusher = null;
            return;
        }
        if (flushInterval.isNegative() || flushInterval.isZero()) {
            throw new IllegalArgumentException("flush interval must be positive, got " + flushInterval);
        }
        journal = new RosterJournal(journalOf(file));
        flusher = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "roster-flush");
            t.setDaemon(true);
            return t;
        });
    }

    /** Returns an empty roster kept only in memory. */
    public static Roster inMemory(int capacity, Clock clock) {
        return new Roster(null, capacity, clock, DEFAULT_FLUSH_INTERVAL);
    }

    /**
     * Opens the roster persisted in {@code file} (and its journal), empty when neither exists yet,
     * flushing changes every {@link #DEFAULT_FLUSH_INTERVAL}.
     *
     * @throws RosterException when the snapshot exists but cannot be read or parsed
     */
    public static Roster open(Path file, int capacity, Clock clock) {
        return open(file, capacity, clock, DEFAULT_FLUSH_INTERVAL);
    }

    /**
     * Opens the roster persisted in {@code file}, flushing changes every {@code flushInterval}.
     *
     * @throws RosterException when the snapshot exists but cannot be read or parsed
     */
    public static Roster open(Path file, int capacity, Clock clock, Duration flushInterval) {
        Roster roster = new Roster(Objects.requireNonNull(file, "file"), capacity, clock, flushInterval);
        try {
            roster.load();
        } catch (RuntimeException e) {
            roster.flusher.shutdownNow();
            throw e;
        }
        long ms = flushInterval.toMillis();
        roster.flusher.scheduleWithFixedDelay(roster::flushQuietly, ms, ms, TimeUnit.MILLISECONDS);
        return roster;
    }

    /** Returns the journal file of a roster file. */
    public static Path journalOf(Path file) {
        return file.resolveSibling(file.getFileName() + ".journal");
    }

    /** Records a heartbeat from {@code hotkeySs58} received now and returns the new entry; it is on disk within a flush interval. */
    public synchronized RosterEntry record(String hotkeySs58, Heartbeat heartbeat) {
        long now = clock.millis();
        RosterEntry previous = byHotkey.get(hotkeySs58);
        RosterEntry entry = previous == null
                ? new RosterEntry(hotkeySs58, heartbeat, now, now, 1)
                : new RosterEntry(hotkeySs58, heartbeat, previous.firstSeenMillis(), now, previous.heartbeats() + 1);
        byHotkey.put(hotkeySs58, entry);
        if (previous == null) {
            evictBeyondCapacity();
        }
        changed.add(hotkeySs58);
        return entry;
    }

    /** Returns every entry, sorted by hotkey. */
    public synchronized List<RosterEntry> entries() {
        List<RosterEntry> out = new ArrayList<>(byHotkey.values());
        out.sort(Comparator.comparing(RosterEntry::hotkey));
        return out;
    }

    /** Returns how many hotkeys the roster holds. */
    public synchronized int size() {
        return byHotkey.size();
    }

    /**
     * Appends the entries changed since the last flush to the journal and syncs it, folding the
     * journal into a new snapshot when it has grown large; a no-op in memory. The flusher thread
     * calls it every flush interval.
     *
     * @throws RosterException when writing fails (the changes stay pending for the next flush)
     */
    public void flush() {
        flush(false);
    }

    /**
     * Writes the whole roster as a new snapshot and empties the journal (a no-op in memory);
     * {@link #close()} does.
     *
     * @throws RosterException when writing fails
     */
    public void persist() {
        flush(true);
    }

    /** Stops the flusher and persists the roster. Idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        if (flusher != null) {
            flusher.shutdown();
            try {
                flusher.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            try {
                persist();
            } finally {
                try {
                    journal.close();
                } catch (IOException e) {
                    log.debug("closing the roster journal: {}", e.getMessage());
                }
            }
        }
    }

    private void flush(boolean compact) {
        if (file == null) {
            return;
        }
        synchronized (io) {
            List<RosterEntry> batch = new ArrayList<>();
            List<RosterEntry> all = null;
            synchronized (this) {
                for (String hotkey : changed) {
                    RosterEntry e = byHotkey.get(hotkey);
                    if (e != null) {
                        batch.add(e);
                    }
                }
                changed.clear();
                boolean large = journal.bytes() > Math.max(MIN_COMPACT_BYTES, 2 * snapshotBytes);
                if (compact || large) {
                    all = entries();
                }
            }
            try {
                if (all != null) {
                    writeSnapshot(all);
                    journal.reset();
                } else if (!batch.isEmpty()) {
                    journal.append(batch);
                }
                if (failing) {
                    log.info("Roster {} is written again", file);
                    failing = false;
                }
            } catch (IOException e) {
                synchronized (this) {
                    batch.forEach(b -> changed.add(b.hotkey()));
                    if (all != null) {
                        all.forEach(b -> changed.add(b.hotkey()));
                    }
                }
                throw new RosterException("cannot write roster " + file + ": " + e.getMessage(), e);
            }
        }
    }

    private void flushQuietly() {
        try {
            flush(false);
        } catch (RuntimeException e) {
            synchronized (io) {
                if (!failing) {
                    log.warn("{}; retrying every flush", e.getMessage());
                }
                failing = true;
            }
        }
    }

    private void writeSnapshot(List<RosterEntry> all) throws IOException {
        byte[] bytes = JSON.writeValueAsBytes(new FileForm(SCHEMA, all));
        StateFile.write(file, bytes);
        snapshotBytes = bytes.length;
    }

    private void evictBeyondCapacity() {
        while (byHotkey.size() > capacity) {
            RosterEntry oldest = byHotkey.values().stream()
                    .min(Comparator.comparingLong(RosterEntry::lastSeenMillis)).orElseThrow();
            byHotkey.remove(oldest.hotkey());
            changed.remove(oldest.hotkey());
            log.info("Roster full ({} hotkeys): dropped {}, last seen at {}", capacity, oldest.hotkey(),
                    oldest.lastSeenMillis());
        }
    }

    private void load() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            bytes = null;
        } catch (IOException e) {
            throw new RosterException("cannot read roster " + file + ": " + e.getMessage(), e);
        }
        if (bytes != null) {
            if (bytes.length > MAX_FILE_BYTES) {
                throw new RosterException("roster " + file + " is larger than " + MAX_FILE_BYTES + " bytes", null);
            }
            FileForm form;
            try {
                form = JSON.readValue(bytes, FileForm.class);
            } catch (IOException e) {
                throw new RosterException("roster " + file + " is not valid: " + where(e) + JsonReadErrors.oneLine(e), e);
            }
            if (form.schema() != SCHEMA || form.entries() == null) {
                throw new RosterException("roster " + file + " has schema " + form.schema() + ", expected " + SCHEMA, null);
            }
            int maxEntries = Math.max(capacity, MAX_SNAPSHOT_ENTRIES);
            if (form.entries().size() > maxEntries) {
                throw new RosterException("roster " + file + ": field entries has " + form.entries().size()
                        + " entries, above " + maxEntries, null);
            }
            long now = clock.millis();
            for (int i = 0; i < form.entries().size(); i++) {
                RosterEntry e = form.entries().get(i);
                String problem = e == null ? "is null" : problem(e, now);
                if (problem == null && byHotkey.containsKey(e.hotkey())) {
                    problem = "field hotkey is " + e.hotkey() + ", a hotkey listed twice";
                }
                if (problem != null) {
                    throw new RosterException("roster " + file + ": entries[" + i + "] " + problem, null);
                }
                byHotkey.put(e.hotkey(), e);
            }
            snapshotBytes = bytes.length;
        }
        RosterJournal.Contents journaled;
        long now = clock.millis();
        try {
            journaled = RosterJournal.read(journalOf(file), MAX_FILE_BYTES, e -> problem(e, now));
        } catch (IOException e) {
            throw new RosterException("cannot read roster journal " + journalOf(file) + ": " + e.getMessage(), e);
        }
        for (RosterEntry e : journaled.entries()) {
            RosterEntry known = byHotkey.get(e.hotkey());
            if (known == null || e.lastSeenMillis() >= known.lastSeenMillis()) {
                byHotkey.put(e.hotkey(), e);
            }
        }
        evictBeyondCapacity();
        changed.clear();
        if (journaled.skippedLines() > 0) {
            log.warn("Roster journal {}: skipped {} damaged line(s) (a write cut short by a crash)", journalOf(file),
                    journaled.skippedLines());
        }
        if (journaled.bytes() > 0) {
            try {
                writeSnapshot(entries());
                journal.reset();
            } catch (IOException e) {
                throw new RosterException("cannot write roster " + file + ": " + e.getMessage(), e);
            }
        }
        log.info("Loaded {} roster entries from {} ({} from its journal)", byHotkey.size(), file,
                journaled.entries().size());
    }

    /**
     * Returns what is wrong with a stored entry beyond what {@link RosterEntry} and {@link Heartbeat}
     * check themselves (the live heartbeat's rules), as {@code field <name> is <value>, <why>}, or null:
     * the hotkey 1 to {@value #MAX_HOTKEY_CHARS} ASCII letters and digits (an SS58 address is 47 or
     * 48), {@code 0 <= firstSeenMillis <= lastSeenMillis <= now + }{@link #MAX_CLOCK_AHEAD}, and
     * {@code heartbeats} in {@code [1, 2^53 - 1]}.
     */
    static String problem(RosterEntry e, long nowMillis) {
        String hk = e.hotkey();
        if (hk.isEmpty() || hk.length() > MAX_HOTKEY_CHARS
                || !hk.chars().allMatch(c -> c < 0x80 && Character.isLetterOrDigit(c))) {
            return "field hotkey is " + shown(hk) + ", not 1 to " + MAX_HOTKEY_CHARS + " ASCII letters and digits";
        }
        if (e.firstSeenMillis() < 0) {
            return "field firstSeenMillis is " + e.firstSeenMillis() + ", below 0";
        }
        if (e.lastSeenMillis() < e.firstSeenMillis()) {
            return "field lastSeenMillis is " + e.lastSeenMillis() + ", before firstSeenMillis " + e.firstSeenMillis();
        }
        long latest = nowMillis > Long.MAX_VALUE - MAX_CLOCK_AHEAD.toMillis() ? Long.MAX_VALUE
                : nowMillis + MAX_CLOCK_AHEAD.toMillis();
        if (e.lastSeenMillis() > latest) {
            return "field lastSeenMillis is " + e.lastSeenMillis() + ", more than " + MAX_CLOCK_AHEAD.toHours()
                    + " h after now (" + nowMillis + ")";
        }
        if (e.heartbeats() < 1 || e.heartbeats() > MAX_HEARTBEATS) {
            return "field heartbeats is " + e.heartbeats() + ", not in [1, " + MAX_HEARTBEATS + "]";
        }
        return null;
    }

    private static String shown(String s) {
        return LoggedText.quoted(s, 64);
    }

    /** Returns {@code "<path>: "} of a mapping error in the snapshot (e.g. {@code entries[3].heartbeat: }), or "". */
    private static String where(IOException e) {
        String path = JsonReadErrors.path(e);
        return path.isEmpty() ? "" : path + ": ";
    }
}
