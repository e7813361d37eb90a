package io.tensorswarm.orchestrator.roster;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.testing.ChildJvm;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code kill -9} of a process writing its roster as fast as it can, several times at random
 * moments: every time, the roster opens again (the snapshot is whole, a torn journal tail is
 * skipped) and holds at least what the last completed snapshot held.
 */
class RosterCrashTest {
    private static final Pattern PERSISTED = Pattern.compile("persisted (\\d+)");

    @TempDir
    Path dir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void killMinus9DuringPersistenceLeavesARosterThatOpensWithNothingSnapshottedLost() throws Exception {
        Path file = dir.resolve("state/roster.json");
        Random random = new Random(13);
        for (int kill = 0; kill < 4; kill++) {
            long persisted;
            try (ChildJvm child = ChildJvm.start(RosterWriterProbe.class, List.of(file.toString()), Map.of(),
                    dir.resolve("writer-" + kill + ".log"))) {
                assertTrue(child.awaitOutput("persisted", Duration.ofSeconds(30)), child.output());
                Thread.sleep(300 + random.nextInt(900));
                child.sigkill();
                child.awaitExit(Duration.ofSeconds(10));
                persisted = lastPersisted(child.output());
            }
            long onDisk;
            try (Roster roster = Roster.open(file, 1000, Clock.systemUTC())) {
                onDisk = roster.entries().stream().mapToLong(RosterEntry::heartbeats).sum();
            }
            assertTrue(onDisk >= persisted, "kill " + kill + ": " + onDisk + " heartbeats on disk, the last snapshot "
                    + "held " + persisted);
        }
    }

    private static long lastPersisted(String output) {
        Matcher m = PERSISTED.matcher(output);
        long last = 0;
        while (m.find()) {
            last = Long.parseLong(m.group(1));
        }
        return last;
    }
}
