package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@link MinerState}: the journal keeps the last published round and the recent finish times across restarts. */
@Timeout(10)
class MinerStateTest {
    @TempDir Path tmp;

    @Test
    void aRestartedMinerReadsItsLastPublishedRoundAndItsLastFiveFinishTimes() throws Exception {
        MinerState state = new MinerState(tmp);
        assertEquals(OptionalLong.empty(), state.lastPublishedRound());
        assertEquals(List.of(), state.recentFinishSeconds());
        for (int i = 1; i <= 7; i++) {
            state.recordFinish(i);
        }
        state.recordPublished(12, "ab".repeat(32), "cd".repeat(32));
        MinerState restarted = new MinerState(tmp);
        assertEquals(OptionalLong.of(12), restarted.lastPublishedRound());
        assertEquals(List.of(3.0, 4.0, 5.0, 6.0, 7.0), restarted.recentFinishSeconds(), "the last five, oldest first");
        String json = Files.readString(tmp.resolve(MinerState.FILE));
        assertTrue(json.contains("\"delta_sha256\" : \"" + "ab".repeat(32) + "\""), json);
        assertThrows(IllegalArgumentException.class, () -> state.recordFinish(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> state.recordFinish(-1));
    }

    @Test
    void aFinishHistoryThatIsNotDurationsStartsOverAndAJournalWrittenBeforeItExistedStillReads() throws Exception {
        Files.writeString(tmp.resolve(MinerState.FILE), "{\"last_published_round\": 4, \"recent_finish_seconds\": [1.5, \"x\"]}");
        MinerState state = new MinerState(tmp);
        assertEquals(OptionalLong.of(4), state.lastPublishedRound());
        assertEquals(List.of(), state.recentFinishSeconds());
        Files.writeString(tmp.resolve(MinerState.FILE), "{\"last_published_round\": 9, \"delta_sha256\": \"aa\", "
                + "\"base_revision\": \"bb\"}");
        assertEquals(OptionalLong.of(9), new MinerState(tmp).lastPublishedRound());
        assertEquals(List.of(), new MinerState(tmp).recentFinishSeconds());
        Files.writeString(tmp.resolve(MinerState.FILE), "{\"recent_finish_seconds\": [2.5]}");
        assertEquals(OptionalLong.empty(), new MinerState(tmp).lastPublishedRound(), "finish times before any publication");
        assertEquals(List.of(2.5), new MinerState(tmp).recentFinishSeconds());
    }

    @Test
    void aTornJournalIsIgnoredAndRewrittenWhole() throws Exception {
        Files.writeString(tmp.resolve(MinerState.FILE), "{\"last_published_round\": 3, \"recent_fin");
        MinerState state = new MinerState(tmp);
        assertEquals(OptionalLong.empty(), state.lastPublishedRound());
        state.recordFinish(0.75);
        assertEquals(List.of(0.75), new MinerState(tmp).recentFinishSeconds());
        try (var files = Files.list(tmp)) {
            assertEquals(List.of(tmp.resolve(MinerState.FILE)), files.toList(), "no temporary file left behind");
        }
    }
}
