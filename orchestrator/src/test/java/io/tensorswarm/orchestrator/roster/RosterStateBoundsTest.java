package io.tensorswarm.orchestrator.roster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link Roster#open}: a snapshot entry, or a journal line whose checksum holds, that is out of
 * bounds is refused with one line naming the file, the entry and the field; a torn journal tail is
 * still skipped.
 */
class RosterStateBoundsTest {
    private static final long NOW = 1_700_000_000_000L;
    private static final String HK = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";
    private static final String BEAT = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"status\":\"ok\"}";

    @TempDir
    Path dir;

    private static Clock now() {
        return Clock.fixed(Instant.ofEpochMilli(NOW), ZoneOffset.UTC);
    }

    private static String entry(String hotkey, String heartbeat, long first, long last, long count) {
        return "{\"hotkey\":\"" + hotkey + "\",\"heartbeat\":" + heartbeat + ",\"firstSeenMillis\":" + first
                + ",\"lastSeenMillis\":" + last + ",\"heartbeats\":" + count + "}";
    }

    private static String journalLine(String json) {
        CRC32 crc = new CRC32();
        crc.update(json.getBytes(StandardCharsets.UTF_8));
        return String.format("%08x ", crc.getValue()) + json + "\n";
    }

    /** Writes a snapshot holding {@code entries} and returns the refusal of opening it. */
    private RosterException snapshotRefused(String... entries) throws Exception {
        Path file = dir.resolve("roster.json");
        Files.writeString(file, "{\"schema\":1,\"entries\":[" + String.join(",", entries) + "]}", StandardCharsets.UTF_8);
        RosterException e = assertThrows(RosterException.class, () -> Roster.open(file, 10, now()));
        assertOneLineNaming(e, "roster " + file);
        return e;
    }

    /** Writes a sound snapshot and a journal of {@code lines} (each with its checksum) and returns the refusal. */
    private RosterException journalRefused(String... entries) throws Exception {
        Path file = dir.resolve("roster.json");
        Files.writeString(file, "{\"schema\":1,\"entries\":[" + entry(HK, BEAT, NOW - 10, NOW - 5, 2) + "]}",
                StandardCharsets.UTF_8);
        StringBuilder journal = new StringBuilder();
        for (String e : entries) {
            journal.append(journalLine(e));
        }
        Files.writeString(Roster.journalOf(file), journal, StandardCharsets.UTF_8);
        RosterException e = assertThrows(RosterException.class, () -> Roster.open(file, 10, now()));
        assertOneLineNaming(e, "roster journal " + Roster.journalOf(file), "checksum holds");
        assertEquals(journal.toString(), Files.readString(Roster.journalOf(file)), "the journal is left as it is");
        return e;
    }

    private static void assertOneLineNaming(RosterException e, String... parts) {
        assertEquals(1, e.getMessage().lines().count(), e.getMessage());
        for (String part : parts) {
            assertTrue(e.getMessage().contains(part), "'" + part + "' in: " + e.getMessage());
        }
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithAMalformedHotkeyIsRefusedNamingTheFileAndField() throws Exception {
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 1, 2, 1), entry("5F\\u202eevil", BEAT, 1, 2, 1)),
                "entries[1] field hotkey is \"5F?evil\", not 1 to 64 ASCII letters and digits");
        assertOneLineNaming(snapshotRefused(entry("x".repeat(65), BEAT, 1, 2, 1)), "entries[0] field hotkey");
        assertOneLineNaming(snapshotRefused(entry("", BEAT, 1, 2, 1)), "entries[0] field hotkey is \"\"");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithTimestampsOutOfOrderNegativeOrInTheFutureIsRefusedNamingTheField() throws Exception {
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, -5, 2, 1)), "entries[0] field firstSeenMillis is -5, below 0");
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 9, 2, 1)),
                "entries[0] field lastSeenMillis is 2, before firstSeenMillis 9");
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 1, Long.MAX_VALUE, 1)),
                "entries[0] field lastSeenMillis is " + Long.MAX_VALUE + ", more than 24 h after now (" + NOW + ")");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithAHeartbeatCountThatCouldWrapIsRefusedNamingTheField() throws Exception {
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 1, 2, Long.MAX_VALUE)),
                "entries[0] field heartbeats is " + Long.MAX_VALUE + ", not in [1, 9007199254740991]");
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 1, 2, 0)), "entries[0] field heartbeats is 0");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithAStatusTheLiveHeartbeatWouldRefuseIsRefusedNamingTheEntry() throws Exception {
        String bidi = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"status\":\"evil \\u202egnp.exe\"}";
        RosterException e = snapshotRefused(entry(HK, bidi, 1, 2, 1));
        assertOneLineNaming(e, "entries[0].heartbeat", "heartbeat status must not contain control, format");
        String tooLong = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"status\":\"" + "x".repeat(300) + "\"}";
        assertOneLineNaming(snapshotRefused(entry(HK, tooLong, 1, 2, 1)), "heartbeat status is 300 characters, more than 256");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithAHotkeyTwiceIsRefusedNamingTheEntry() throws Exception {
        assertOneLineNaming(snapshotRefused(entry(HK, BEAT, 1, 2, 1), entry(HK, BEAT, 1, 3, 2)),
                "entries[1] field hotkey is " + HK + ", a hotkey listed twice");
    }

    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void rosterSnapshotWithMoreEntriesThanTheCapIsRefused() throws Exception {
        String[] many = new String[Roster.MAX_SNAPSHOT_ENTRIES + 1];
        for (int i = 0; i < many.length; i++) {
            many[i] = entry("hk" + i, BEAT, 1, 2, 1);
        }
        assertOneLineNaming(snapshotRefused(many), "field entries has " + many.length + " entries, above "
                + Roster.MAX_SNAPSHOT_ENTRIES);
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterJournalLineWithAValidChecksumButOutOfBoundsFieldsIsRefusedNamingTheLineAndField() throws Exception {
        assertOneLineNaming(journalRefused(entry("hkB", BEAT, 1, 2, 1), entry("hkC", BEAT, 1, Long.MAX_VALUE, 1)),
                "line 2", "field lastSeenMillis is " + Long.MAX_VALUE);
        assertOneLineNaming(journalRefused(entry("hk\\u0007", BEAT, 1, 2, 1)), "line 1", "field hotkey is \"hk?\"");
        assertOneLineNaming(journalRefused(entry("hkB", BEAT, 1, 2, -1)), "line 1", "field heartbeats is -1");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void rosterJournalLineWithAValidChecksumButAHeartbeatTheLiveRulesRefuseIsRefusedNamingTheField() throws Exception {
        String bidi = "{\"role\":\"miner\",\"version\":\"0.1.0\",\"status\":\"a\\u2066b\"}";
        assertOneLineNaming(journalRefused(entry("hkB", bidi, 1, 2, 1)), "line 1", "field heartbeat",
                "heartbeat status must not contain");
        assertOneLineNaming(journalRefused("{\"hotkey\":\"hkB\"}"), "line 1", "is not a valid entry");
        assertOneLineNaming(journalRefused("not json at all"), "line 1", "is not a valid entry");
    }

    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void aTornJournalTailIsStillSkippedAndTheSoundLinesKept() throws Exception {
        Path file = dir.resolve("roster.json");
        String whole = journalLine(entry("hkB", BEAT, 1, 2, 1));
        String torn = journalLine(entry("hkC", BEAT, 1, 2, 1));
        Files.writeString(Roster.journalOf(file), whole + torn.substring(0, torn.length() / 2), StandardCharsets.UTF_8);
        try (Roster r = Roster.open(file, 10, now())) {
            assertEquals(List.of("hkB"), r.entries().stream().map(RosterEntry::hotkey).toList());
        }
    }
}
