package io.tensorswarm.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.RoundTiming;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The round timeline, block by block on an injected clock, with the real {@link RoundTiming},
 * {@link RoundClock} and {@link BaseHistory} on a real file store: miners read their round's base at
 * its start, validators score the round once its uploads close (base read then), and the averager
 * merges each round in order from {@code mergeStartBlock} on, taking {@code mergeBlocks} blocks, and
 * publishes each merge as the base of the first round that has not started. For every setting,
 * including the shipped defaults and the local subnet's, every round in which miners trained is
 * scored with the base they trained on, and every round is merged (none dropped).
 */
@Timeout(60)
class RoundTimelineTest {
    @TempDir Path tmp;

    @ParameterizedTest(name = "round {0}, margin {1}, merge delay {2}, merge takes {3} blocks")
    @CsvSource({
        "20, 2, 0, 5",    // the shipped defaults, a quick merge
        "20, 2, 0, 17",   // the shipped defaults, a merge that takes most of a round
        "20, 2, 10, 7",   // the old half-round delay: the merge lands inside the next round
        "40, 20, 3, 12",  // the local subnet's timing
        "10, 1, 0, 30",   // a merge slower than a round: the averager falls behind but drops nothing
        "5, 1, 2, 1",     // very short rounds
        "360, 10, 5, 100" // a tempo-long round
    })
    void everyRoundIsScoredOnItsBaseAndMergedInOrder(long roundBlocks, long margin, long delay, long mergeBlocks) {
        RoundTiming timing = new RoundTiming(roundBlocks, margin, delay).check();
        RoundClock clock = timing.clock();
        int rounds = 12;
        try (ObjectStore store = ObjectStores.open(tmp.resolve("store").toUri().toString(), StorageOptions.defaults())) {
            BaseHistory history = new BaseHistory(store);
            history.append(new LatestPointer(rev(0), 0));
            Map<Long, String> trainedOn = new HashMap<>();
            Map<Long, String> scoredOn = new HashMap<>();
            List<Long> merged = new ArrayList<>();
            long nextMerge = 0;
            long mergeDoneAt = -1;
            long lastRound = rounds - 1;
            long end = timing.mergeStartBlock(lastRound) + (rounds + 2) * Math.max(mergeBlocks, roundBlocks);
            for (long block = 0; block <= end; block++) {
                long round = clock.roundOf(block);
                if (block == clock.startBlock(round) && round <= lastRound) {
                    trainedOn.put(round, history.forRound(round).orElseThrow().revision()); // miners
                }
                if (round >= 1 && block == clock.readableBlock(round - 1) && round - 1 <= lastRound) {
                    scoredOn.put(round - 1, history.forRound(round - 1).orElseThrow().revision()); // validators
                }
                if (mergeDoneAt == block) { // the averager finishes merging round nextMerge and publishes
                    long first = Math.max(history.head().orElseThrow().round() + 1, timing.firstRoundForBaseAt(block));
                    assertTrue(clock.startBlock(first) > block, "a base is only ever published for a round not started");
                    history.append(new LatestPointer(rev(nextMerge + 1), first));
                    merged.add(nextMerge);
                    nextMerge++;
                    mergeDoneAt = -1;
                }
                if (mergeDoneAt < 0 && nextMerge <= lastRound && block >= timing.mergeStartBlock(nextMerge)) {
                    // Its deltas are read now; their manifests name the base the round trained on.
                    assertEquals(trainedOn.get(nextMerge), history.forRound(nextMerge).orElseThrow().revision());
                    mergeDoneAt = block + mergeBlocks;
                }
            }
            for (long r = 0; r <= lastRound; r++) {
                assertEquals(trainedOn.get(r), scoredOn.get(r), "round " + r + " is scored on the base it trained on");
            }
            assertEquals(rounds, merged.size(), "every round merged: " + merged);
            for (int i = 0; i < merged.size(); i++) {
                assertEquals((long) i, merged.get(i), "in order");
            }
            if (delay + mergeBlocks + RoundTiming.BASE_GUARD_BLOCKS <= roundBlocks) {
                for (long r = 2; r <= lastRound; r++) {
                    assertEquals(rev(r - 1), trainedOn.get(r), "a merge that fits its round is the base two rounds on");
                }
            }
        }
    }

    @Test
    void timingsThatWouldWasteRoundsAreRefusedNamingTheFlag() {
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RoundTiming(20, 0, 0).check())
                .getMessage().startsWith("--round.deadline-margin 0 leaves no upload window"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RoundTiming(20, 19, 0).check())
                .getMessage().startsWith("--round.deadline-margin 19"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RoundTiming(2, 1, 0).check())
                .getMessage().startsWith("--round.blocks 2"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RoundTiming(20, 2, 18).check())
                .getMessage().startsWith("--merge.delay-blocks 18"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> new RoundTiming(20, 2, -1).check())
                .getMessage().startsWith("--merge.delay-blocks -1"));
        RoundTiming.defaults().check();
    }

    private static String rev(long n) {
        return String.format("%064x", n + 1);
    }
}
