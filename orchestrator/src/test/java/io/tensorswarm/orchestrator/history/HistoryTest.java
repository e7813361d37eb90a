package io.tensorswarm.orchestrator.history;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.orchestrator.MutableClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The orchestrator's history file: persistence, caps, and what happens to an unreadable file. */
class HistoryTest {
    private static final String A = "aa".repeat(32);
    private static final String B = "bb".repeat(32);

    @TempDir Path dir;
    private final MutableClock clock = new MutableClock(Instant.ofEpochMilli(1_700_000_000_000L));

    @Test
    void everyChangeIsOnDiskAndAReopenedHistoryIsTheSame() {
        Path file = dir.resolve("state/history.json");
        History h = History.open(file, clock);
        assertTrue(h.observeRevision(A, 3, 30));
        assertFalse(h.observeRevision(A, 3, 31), "seen already");
        h.recordLoss(A, 5.25, 60, 4);
        h.observeRevision(B, 4, 41);
        h.recordLossError(B, "storage: gone");
        assertTrue(h.recordRound(3, 35, Map.of("5Bob", 0.75, "5Dave", 0.25), List.of("5Dave", "5Bob")));
        assertFalse(h.recordRound(3, 36, Map.of("5Bob", 0.75, "5Dave", 0.25), List.of("5Bob", "5Dave")),
                "nothing changed: not rewritten");

        History back = History.open(file, clock);
        assertEquals(h.revisions(), back.revisions());
        assertEquals(5.25, back.revision(A).orElseThrow().loss());
        assertEquals(1_700_000_000_000L, back.revision(A).orElseThrow().firstSeenMillis());
        assertNull(back.revision(B).orElseThrow().loss());
        assertEquals("storage: gone", back.revision(B).orElseThrow().lossError());
        assertEquals(List.of("5Bob", "5Dave"), back.rounds(5).get(0).committed());
        assertEquals(35, back.rounds(5).get(0).block());
    }

    @Test
    void keepsOnlyTheNewestRounds() {
        History h = History.inMemory(clock);
        for (long r = 0; r < History.MAX_ROUNDS + 10; r++) {
            h.recordRound(r, r * 10, Map.of(), List.of());
        }
        List<RoundRecord> all = h.rounds(Integer.MAX_VALUE);
        assertEquals(History.MAX_ROUNDS, all.size());
        assertEquals(10, all.get(0).round());
        assertEquals(List.of(History.MAX_ROUNDS + 8L, History.MAX_ROUNDS + 9L),
                h.rounds(2).stream().map(RoundRecord::round).toList());
    }

    @Test
    void anUnreadableFileIsMovedAsideAndTheHistoryStartsEmpty() throws Exception {
        Path file = dir.resolve("history.json");
        Files.writeString(file, "{\"schema\":1,\"revisions\":[{\"revision\":");
        History h = History.open(file, clock);
        assertTrue(h.revisions().isEmpty());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.filter(p -> p.getFileName().toString().startsWith("history.json.unreadable-")).count());
        }
        h.observeRevision(A, 1, 10);
        assertEquals(1, History.open(file, clock).revisions().size());
    }
}
