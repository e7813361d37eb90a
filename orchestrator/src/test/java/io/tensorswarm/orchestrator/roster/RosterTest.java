package io.tensorswarm.orchestrator.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link Roster} and {@link Heartbeat}: validation, persistence (snapshot and journal), capacity. */
class RosterTest {
    private static final String UNSAFE_STATUS =
            "heartbeat status must not contain control, format (bidi, zero-width) or unassigned characters";

    @TempDir
    Path dir;

    private static Heartbeat miner(String status) {
        return new Heartbeat("miner", "0.1.0", 7L, 2.5, null, status);
    }

    private static Clock at(long millis) {
        return Clock.fixed(Instant.ofEpochMilli(millis), ZoneOffset.UTC);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void reopenedRosterHasTheSameEntries() {
        Path file = dir.resolve("roster.json");
        Roster first = Roster.open(file, 10, at(1000));
        first.record("hkB", miner("a"));
        first.record("hkA", new Heartbeat("validator", "0.2.0", null, null, 10.0, null));
        first.record("hkB", miner("b"));
        first.close();
        Roster second = Roster.open(file, 10, at(2000));
        assertEquals(first.entries(), second.entries());
        List<RosterEntry> e = second.entries();
        assertEquals("hkA", e.get(0).hotkey());
        assertEquals(new RosterEntry("hkB", miner("b"), 1000, 1000, 2), e.get(1));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aNewHotkeyBeyondCapacityReplacesTheOneSeenLongestAgo() {
        Roster r = Roster.inMemory(2, Clock.systemUTC());
        Roster timed = Roster.open(dir.resolve("r.json"), 2, at(1));
        timed.record("old", miner(null));
        timed.close();
        Roster later = Roster.open(dir.resolve("r.json"), 2, at(5));
        later.record("mid", miner(null));
        later.record("new", miner(null));
        assertEquals(List.of("mid", "new"), later.entries().stream().map(RosterEntry::hotkey).toList());
        r.record("x", miner(null));
        assertEquals(1, r.size());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void refusesACorruptOrForeignFileNamingIt() throws Exception {
        Path file = dir.resolve("roster.json");
        Files.writeString(file, "{\"schema\":1,\"entries\":[{\"hotkey\":\"h\"", StandardCharsets.UTF_8);
        RosterException e = assertThrows(RosterException.class, () -> Roster.open(file, 10, Clock.systemUTC()));
        assertTrue(e.getMessage().startsWith("roster " + file + " is not valid"), e.getMessage());
        Files.writeString(file, "{\"schema\":2,\"entries\":[]}", StandardCharsets.UTF_8);
        assertThrows(RosterException.class, () -> Roster.open(file, 10, Clock.systemUTC()));
        Files.writeString(file, "{\"schema\":1,\"entries\":[{\"hotkey\":\"h\",\"heartbeat\":{\"role\":\"boss\","
                + "\"version\":\"1\"},\"firstSeenMillis\":1,\"lastSeenMillis\":1,\"heartbeats\":1}]}", StandardCharsets.UTF_8);
        RosterException bad = assertThrows(RosterException.class, () -> Roster.open(file, 10, Clock.systemUTC()));
        assertTrue(bad.getMessage().endsWith("heartbeat role must be \"miner\" or \"validator\""), bad.getMessage());
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void heartbeatFieldsAreValidatedOneByOne() throws Exception {
        ObjectMapper json = new ObjectMapper();
        assertEquals(new Heartbeat("miner", "1.0", 3L, 0.5, 12.0, "ok"), Heartbeat.fromJson(json.readTree(
                "{\"role\":\"miner\",\"version\":\"1.0\",\"step\":3,\"loss\":0.5,\"tokensPerSecond\":12,\"status\":\"ok\"}")));
        String[][] bad = {
            {"[]", "heartbeat must be a JSON object"},
            {"{\"version\":\"1\"}", "heartbeat role must be \"miner\" or \"validator\""},
            {"{\"role\":\"miner\"}", "heartbeat version must be 1 to 64 printable ASCII characters without spaces"},
            {"{\"role\":\"miner\",\"version\":\"1 0\"}", "heartbeat version must be 1 to 64 printable ASCII characters without spaces"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"step\":-1}", "heartbeat step must be non-negative, got -1"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"step\":1.5}", "heartbeat step must be an integer"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"loss\":\"low\"}", "heartbeat loss must be a number"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"loss\":-0.1}", "heartbeat loss must be finite and non-negative, got -0.1"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"tokensPerSecond\":1e999}", "heartbeat tokensPerSecond must be finite and non-negative, got Infinity"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"status\":\"a\\nb\"}", UNSAFE_STATUS},
            {"{\"role\":\"miner\",\"version\":\"1\",\"status\":\"evil \u202egnp.exe\"}", UNSAFE_STATUS},
            {"{\"role\":\"miner\",\"version\":\"1\",\"status\":\"zero\u200bwidth\"}", UNSAFE_STATUS},
            {"{\"role\":\"miner\",\"version\":\"1\",\"status\":\"isolate\u2066x\u2069\"}", UNSAFE_STATUS},
            {"{\"role\":\"miner\",\"version\":\"1\",\"status\":7}", "heartbeat status must be a string"},
            {"{\"role\":\"miner\",\"version\":\"1\",\"extra\":7}", "heartbeat has unknown key \"extra\""},
        };
        for (String[] row : bad) {
            HeartbeatException e = assertThrows(HeartbeatException.class, () -> Heartbeat.fromJson(json.readTree(row[0])), row[0]);
            assertEquals(row[1], e.getMessage(), row[0]);
        }
        assertEquals(256, new Heartbeat("miner", "1", null, null, null, "é".repeat(256)).status().length());
        assertThrows(HeartbeatException.class, () -> new Heartbeat("miner", "1", null, null, null, "x".repeat(257)));
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void heartbeatsGoToTheJournalWithinAFlushIntervalWithoutRewritingTheSnapshot() throws Exception {
        Path file = dir.resolve("roster.json");
        Roster roster = Roster.open(file, 100, Clock.systemUTC(), Duration.ofMillis(50));
        for (int i = 0; i < 500; i++) {
            roster.record("hk" + (i % 20), miner("step " + i));
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (Files.notExists(Roster.journalOf(file)) || Files.size(Roster.journalOf(file)) == 0) {
            assertTrue(System.nanoTime() < deadline, "nothing flushed to the journal");
            Thread.sleep(20);
        }
        Thread.sleep(200);
        assertFalse(Files.exists(file), "no snapshot is rewritten for heartbeats");
        long lines = Files.readAllLines(Roster.journalOf(file)).size();
        assertTrue(lines <= 500 && lines >= 20, lines + " journal lines: changed hotkeys are coalesced per flush");
        // a crash now (the roster is never closed): a fresh open finds every entry
        Roster after = Roster.open(file, 100, Clock.systemUTC(), Duration.ofMillis(50));
        assertEquals(roster.entries(), after.entries());
        assertTrue(Files.exists(file), "opening folds the journal into a snapshot");
        assertEquals(0, Files.size(Roster.journalOf(file)));
        after.close();
        roster.close();
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aJournalLineCutShortOrDamagedIsSkippedAndTheRestIsKept() throws Exception {
        Path file = dir.resolve("roster.json");
        Roster roster = Roster.open(file, 10, at(1000), Duration.ofMillis(50));
        roster.record("hkA", miner("a"));
        roster.record("hkB", miner("b"));
        roster.flush();
        roster.record("hkC", miner("c"));
        roster.flush();
        List<String> lines = Files.readAllLines(Roster.journalOf(file));
        assertEquals(3, lines.size());
        // hkB's line gets a flipped byte, hkC's is cut in the middle (a write interrupted by the crash)
        String damaged = lines.get(1).replace("\"b\"", "\"x\"");
        String torn = lines.get(2).substring(0, lines.get(2).length() / 2);
        Files.writeString(Roster.journalOf(file), lines.get(0) + "\n" + damaged + "\n" + torn, StandardCharsets.UTF_8);
        Roster after = Roster.open(file, 10, at(2000));
        assertEquals(List.of("hkA"), after.entries().stream().map(RosterEntry::hotkey).toList());
        after.close();
        Roster again = Roster.open(file, 10, at(3000));
        assertEquals(List.of("hkA"), again.entries().stream().map(RosterEntry::hotkey).toList(), "the snapshot is valid");
        again.close();
    }
}
