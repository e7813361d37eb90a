package io.tensorswarm.miner.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

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
        Files.writeString(tmp.resolve(MinerState.FILE), "{\"last_published_round\": 9, \"delta_sha256\": \"" + "aa".repeat(32) + "\", "
                + "\"base_revision\": \"" + "bb".repeat(32) + "\"}");
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

    private static final String HASH = "ab".repeat(32);

    /** Writes {@code json} as the journal, starts a MinerState on it and returns the warnings it logged. */
    private List<String> loadLogging(String json) throws Exception {
        Files.writeString(tmp.resolve(MinerState.FILE), json);
        Logger logger = (Logger) LoggerFactory.getLogger(MinerState.class);
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        logger.addAppender(appender);
        try {
            loaded = new MinerState(tmp);
        } finally {
            logger.detachAppender(appender);
        }
        return appender.list.stream().filter(e -> e.getLevel() == Level.WARN).map(ILoggingEvent::getFormattedMessage)
                .toList();
    }

    private MinerState loaded;

    private static void assertOneWarningNaming(List<String> warnings, String... parts) {
        assertEquals(1, warnings.size(), warnings.toString());
        String w = warnings.get(0);
        assertEquals(1, w.lines().count(), w);
        assertTrue(w.contains(MinerState.FILE), "names the file: " + w);
        for (String part : parts) {
            assertTrue(w.contains(part), "'" + part + "' in: " + w);
        }
    }

    @Test
    @Timeout(10)
    void minerStateWithARoundAboveU32IsRefusedNamingTheFieldAndTheFinishHistoryStillReads() throws Exception {
        List<String> w = loadLogging("{\"last_published_round\": 5000000000, \"delta_sha256\": \"" + HASH
                + "\", \"base_revision\": \"" + HASH + "\", \"recent_finish_seconds\": [2.5]}");
        assertOneWarningNaming(w, "field last_published_round is 5000000000, above 4294967295");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
        assertEquals(List.of(2.5), loaded.recentFinishSeconds());
    }

    @Test
    @Timeout(10)
    void minerStateWithARoundBeyondALongIsRefusedNamingTheField() throws Exception {
        List<String> w = loadLogging("{\"last_published_round\": 92233720368547758070}");
        assertOneWarningNaming(w, "field last_published_round is 92233720368547758070, above 4294967295");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
    }

    @Test
    @Timeout(10)
    void minerStateWithANegativeOrFractionalRoundIsRefusedNamingTheField() throws Exception {
        assertOneWarningNaming(loadLogging("{\"last_published_round\": -3}"), "field last_published_round is -3, below 0");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
        assertOneWarningNaming(loadLogging("{\"last_published_round\": 7.5}"), "field last_published_round is 7.5",
                "whole round");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
        assertOneWarningNaming(loadLogging("{\"last_published_round\": \"7\"}"), "field last_published_round is \"7\"");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
    }

    @Test
    @Timeout(10)
    void minerStateWithAMalformedHashIsRefusedNamingTheField() throws Exception {
        List<String> w = loadLogging("{\"last_published_round\": 4, \"delta_sha256\": \"" + HASH
                + "\", \"base_revision\": \"../x\\u202e\"}");
        assertOneWarningNaming(w, "field base_revision is", "64 lowercase hex");
        assertTrue(w.get(0).chars().noneMatch(c -> c == 0x202e), "no bidi override reaches the log: " + w.get(0));
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
    }

    @Test
    @Timeout(10)
    void minerStateWithANegativeReserveTimeIsRefusedNamingTheField() throws Exception {
        List<String> w = loadLogging("{\"last_published_round\": 4, \"recent_finish_seconds\": [1.5, -2.0]}");
        assertOneWarningNaming(w, "field recent_finish_seconds[1] is -2.0, below 0");
        assertEquals(List.of(), loaded.recentFinishSeconds(), "the finish history starts over");
        assertEquals(OptionalLong.of(4), loaded.lastPublishedRound(), "the round is still used");
    }

    @Test
    @Timeout(10)
    void minerStateWithAHugeReserveTimeIsRefusedNamingTheFieldSoTheReserveCannotOverflow() throws Exception {
        List<String> w = loadLogging("{\"recent_finish_seconds\": [1e300]}");
        assertOneWarningNaming(w, "field recent_finish_seconds[0] is 1.0E300, above 86400 s");
        assertEquals(List.of(), loaded.recentFinishSeconds());
        long reserve = TrainingBudget.reserveMillis(List.of(MinerState.MAX_FINISH_SECONDS), 12_000, 1_000_000);
        assertTrue(reserve > 0, "the largest accepted finish time gives a positive reserve: " + reserve);
    }

    @Test
    @Timeout(10)
    void minerStateWithANonNumberReserveTimeIsRefusedNamingTheField() throws Exception {
        assertOneWarningNaming(loadLogging("{\"recent_finish_seconds\": [1.0, \"NaN\"]}"),
                "field recent_finish_seconds[1] is \"NaN\"", "not a number");
        assertEquals(List.of(), loaded.recentFinishSeconds());
        assertOneWarningNaming(loadLogging("{\"recent_finish_seconds\": {\"a\": 1}}"),
                "field recent_finish_seconds is object", "not a list");
        assertEquals(List.of(), loaded.recentFinishSeconds());
    }

    @Test
    @Timeout(10)
    void minerStateWithTooManyFinishTimesIsRefusedNamingTheField() throws Exception {
        String many = String.join(",", java.util.Collections.nCopies(MinerState.MAX_FINISH_ENTRIES + 1, "1.0"));
        assertOneWarningNaming(loadLogging("{\"recent_finish_seconds\": [" + many + "]}"),
                "field recent_finish_seconds has " + (MinerState.MAX_FINISH_ENTRIES + 1) + " entries, above "
                        + MinerState.MAX_FINISH_ENTRIES);
        assertEquals(List.of(), loaded.recentFinishSeconds());
    }

    @Test
    @Timeout(10)
    void minerStateLargerThanTheCapIsIgnoredUnreadNamingTheFile() throws Exception {
        String pad = " ".repeat((int) MinerState.MAX_BYTES);
        assertOneWarningNaming(loadLogging("{\"last_published_round\": 4}" + pad), "bytes, above the "
                + MinerState.MAX_BYTES + "-byte cap");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
    }

    @Test
    @Timeout(10)
    void aTornMinerStateIsIgnoredWithOneLineNamingTheFile() throws Exception {
        assertOneWarningNaming(loadLogging("{\"last_published_round\": 3, \"recent_fin"), "not readable JSON");
        assertEquals(OptionalLong.empty(), loaded.lastPublishedRound());
    }

    @Test
    @Timeout(10)
    void aFinishTimeLongerThanTheCapIsRecordedAsTheCapSoTheJournalStaysReadable() throws Exception {
        MinerState state = new MinerState(tmp);
        state.recordFinish(1e9);
        assertEquals(List.of(MinerState.MAX_FINISH_SECONDS), new MinerState(tmp).recentFinishSeconds());
    }
}
