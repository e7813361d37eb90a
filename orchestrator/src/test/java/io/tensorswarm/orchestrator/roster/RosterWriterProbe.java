package io.tensorswarm.orchestrator.roster;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * A child process for {@link RosterCrashTest}: records heartbeats of 300 hotkeys as fast as it can,
 * with the journal flushed every 20 ms and a whole snapshot written every 100 ms, so a kill lands in
 * the middle of a journal append or a snapshot write sooner or later. After each snapshot it prints
 * {@code persisted <n>}: the heartbeats that snapshot holds.
 */
public final class RosterWriterProbe {
    private RosterWriterProbe() {}

    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Roster roster = Roster.open(file, 1000, Clock.systemUTC(), Duration.ofMillis(20));
        long base = roster.entries().stream().mapToLong(RosterEntry::heartbeats).sum();
        System.out.println("started " + base);
        long n = 0;
        long nextSnapshot = System.nanoTime();
        while (true) {
            roster.record("hk" + (n % 300), new Heartbeat("miner", "0.1.0", n, 2.5, 100.0, "step " + n));
            n++;
            if (System.nanoTime() >= nextSnapshot) {
                roster.persist();
                System.out.println("persisted " + (base + n));
                System.out.flush();
                nextSnapshot = System.nanoTime() + 100_000_000L;
            }
        }
    }
}
