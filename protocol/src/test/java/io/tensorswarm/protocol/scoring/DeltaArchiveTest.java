package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 10, unit = TimeUnit.SECONDS)
class DeltaArchiveTest {
    @TempDir
    Path tmp;

    private Path file(String name, String content) throws Exception {
        Path p = tmp.resolve("cache").resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, content);
        return p;
    }

    @Test
    void keepsTheWindowOfRoundsBeforeAndDropsOlderOnes() throws Exception {
        DeltaArchive archive = new DeltaArchive(tmp.resolve("recent"), 2);
        archive.put(2, Map.of("alice", file("a2", "A2")));
        archive.put(3, Map.of("alice", file("a3", "A3")));
        archive.put(4, Map.of("alice", file("a4", "A4"), "bob", file("b4", "B4")));
        archive.put(5, Map.of("bob", file("b5", "B5")));
        // Like SketchHistory, the newest round's window is kept: round 5 can be re-scored after a restart.
        assertFalse(Files.exists(tmp.resolve("recent/2")), "round 2 left the window");
        assertTrue(Files.exists(tmp.resolve("recent/3")));
        List<DeltaArchive.Entry> before6 = archive.before(6);
        assertEquals(List.of(4L, 4L, 5L), before6.stream().map(DeltaArchive.Entry::round).toList());
        assertEquals(List.of("alice", "bob", "bob"), before6.stream().map(DeltaArchive.Entry::hotkey).toList());
        assertArrayEquals("B5".getBytes(), Files.readAllBytes(before6.get(2).file()));
        assertEquals(List.of(3L, 4L, 4L), archive.before(5).stream().map(DeltaArchive.Entry::round).toList());
    }

    @Test
    void replacingARoundAndALeftoverPartialRoundLoseNothing() throws Exception {
        Path dir = tmp.resolve("recent");
        DeltaArchive archive = new DeltaArchive(dir, 3);
        Files.createDirectories(dir.resolve("7.partial"));
        Files.writeString(dir.resolve("7.partial/mallory.safetensors"), "junk"); // a killed process's leftovers
        assertTrue(archive.before(8).isEmpty());
        archive.put(7, Map.of("alice", file("a", "first")));
        archive.put(7, Map.of("carol", file("c", "second")));
        List<DeltaArchive.Entry> entries = archive.before(8);
        assertEquals(1, entries.size());
        assertEquals("carol", entries.get(0).hotkey());
        assertFalse(Files.exists(dir.resolve("7.partial")));
    }

    @Test
    void anEmptyOrMissingArchiveHasNothingBefore() {
        assertTrue(new DeltaArchive(tmp.resolve("none"), 3).before(10).isEmpty());
    }
}
