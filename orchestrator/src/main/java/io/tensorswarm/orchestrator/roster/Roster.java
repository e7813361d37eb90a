package io.tensorswarm.orchestrator.roster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.orchestrator.history.StateFile;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The hotkeys that sent heartbeats, with their last report, kept in memory and, when opened on a
 * file, written there atomically after every heartbeat (temporary file, fsync, atomic rename), so a
 * crash or restart loses nothing. At most {@code capacity} hotkeys are kept; a new one beyond that
 * replaces the one seen longest ago. Safe for concurrent use.
 *
 * <p>File form: {@code {"schema":1,"entries":[RosterEntry...]}}, entries sorted by hotkey.
 *
 * <pre>{@code
 * Roster roster = Roster.open(stateDir.resolve("roster.json"), 4096, Clock.systemUTC());
 * roster.record(hotkey, heartbeat);
 * }</pre>
 */
public final class Roster {
    private static final Logger log = LoggerFactory.getLogger(Roster.class);

    /** The schema version written and read. */
    public static final int SCHEMA = 1;
    /** Default number of hotkeys kept. */
    public static final int DEFAULT_CAPACITY = 4096;
    /** Roster files larger than this are refused before parsing. */
    static final long MAX_FILE_BYTES = 64L << 20;

    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

    private record FileForm(int schema, List<RosterEntry> entries) {}

    private final Path file;
    private final int capacity;
    private final Clock clock;
    private final Map<String, RosterEntry> byHotkey = new HashMap<>();

    private Roster(Path file, int capacity, Clock clock) {
        if (capacity < 1) {
            throw new IllegalArgumentException("roster capacity must be at least 1, got " + capacity);
        }
        this.file = file;
        this.capacity = capacity;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns an empty roster kept only in memory. */
    public static Roster inMemory(int capacity, Clock clock) {
        return new Roster(null, capacity, clock);
    }

    /**
     * Opens the roster persisted in {@code file}, empty when the file does not exist yet.
     *
     * @throws RosterException when the file exists but cannot be read or parsed
     */
    public static Roster open(Path file, int capacity, Clock clock) {
        Roster roster = new Roster(Objects.requireNonNull(file, "file"), capacity, clock);
        roster.load();
        return roster;
    }

    /** Records a heartbeat from {@code hotkeySs58} received now, persists the roster, and returns the new entry. */
    public synchronized RosterEntry record(String hotkeySs58, Heartbeat heartbeat) {
        long now = clock.millis();
        RosterEntry previous = byHotkey.get(hotkeySs58);
        RosterEntry entry = previous == null
                ? new RosterEntry(hotkeySs58, heartbeat, now, now, 1)
                : new RosterEntry(hotkeySs58, heartbeat, previous.firstSeenMillis(), now, previous.heartbeats() + 1);
        if (previous == null && byHotkey.size() >= capacity) {
            RosterEntry oldest = byHotkey.values().stream()
                    .min(Comparator.comparingLong(RosterEntry::lastSeenMillis)).orElseThrow();
            byHotkey.remove(oldest.hotkey());
            log.info("Roster full ({} hotkeys): dropped {}, last seen at {}", capacity, oldest.hotkey(),
                    oldest.lastSeenMillis());
        }
        byHotkey.put(hotkeySs58, entry);
        persist();
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
     * Writes the roster to its file (a no-op in memory); {@link #record} already does after every
     * heartbeat.
     *
     * @throws RosterException when writing fails
     */
    public synchronized void persist() {
        if (file == null) {
            return;
        }
        byte[] bytes;
        try {
            bytes = JSON.writeValueAsBytes(new FileForm(SCHEMA, entries()));
        } catch (IOException e) {
            throw new IllegalStateException("cannot serialize the roster", e);
        }
        writeAtomically(file, bytes);
    }

    private void load() {
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes((int) MAX_FILE_BYTES + 1);
        } catch (NoSuchFileException e) {
            return;
        } catch (IOException e) {
            throw new RosterException("cannot read roster " + file + ": " + e.getMessage(), e);
        }
        if (bytes.length > MAX_FILE_BYTES) {
            throw new RosterException("roster " + file + " is larger than " + MAX_FILE_BYTES + " bytes", null);
        }
        FileForm form;
        try {
            form = JSON.readValue(bytes, FileForm.class);
        } catch (IOException e) {
            throw new RosterException("roster " + file + " is not valid: " + oneLine(e), e);
        }
        if (form.schema() != SCHEMA || form.entries() == null) {
            throw new RosterException("roster " + file + " has schema " + form.schema() + ", expected " + SCHEMA, null);
        }
        for (RosterEntry e : form.entries()) {
            if (e == null) {
                throw new RosterException("roster " + file + " has a null entry", null);
            }
            byHotkey.put(e.hotkey(), e);
        }
        log.info("Loaded {} roster entries from {}", byHotkey.size(), file);
    }

    private static String oneLine(IOException e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String m = root instanceof TensorswarmException ? root.getMessage()
                : e instanceof JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
        return m == null ? e.getClass().getSimpleName() : m.replace('\n', ' ').replace('\r', ' ');
    }

    private static void writeAtomically(Path target, byte[] bytes) {
        try {
            StateFile.write(target, bytes);
        } catch (IOException e) {
            throw new RosterException("cannot write roster " + target + ": " + e.getMessage(), e);
        }
    }
}
