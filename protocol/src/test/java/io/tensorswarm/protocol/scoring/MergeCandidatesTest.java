package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Which deltas of a scored round the averager may merge, and in which order. */
@Timeout(10)
class MergeCandidatesTest {

    @Test
    void positiveScoresComeFirstThenDeltasThatPassedEveryCheckLeastHarmfulFirst() {
        RoundScorer.Scores scores = scores(List.of(
                evaluated("zero-a", -0.004, 0),
                evaluated("best", 0.03, 0.03),
                evaluated("zero-b", -0.001, 0),
                evaluated("second", 0.01, 0.01)));

        assertEquals(List.of("best", "second", "zero-b", "zero-a"), hotkeys(scores.mergeCandidates()));
        assertEquals(List.of("best", "second"), hotkeys(scores.positive()), "scores (what is paid) are unchanged");
    }

    @Test
    void rejectedDeltasOutliersAndUnevaluatedOnesAreNeverCandidates() {
        RoundScorer.Scores scores = scores(List.of(
                MinerResult.rejected("copier", 3, 10, "COPY", "same as another miner's delta"),
                MinerResult.rejected("noise", 4, 10, "NO_PROGRESS", "what is new does not descend"),
                new MinerResult("outlier", 5, 10, -0.4, -0.4, 9.0, 0, 0, 0, null, null, true),
                evaluated("diverged", Double.NaN, 0),
                evaluated("honest", -0.002, 0)));

        assertEquals(List.of("honest"), hotkeys(scores.mergeCandidates()));
    }

    private static MinerResult evaluated(String hotkey, double improvement, double score) {
        return new MinerResult(hotkey, 1, 10, improvement, improvement, 2.5, score, 0, 0, null, null, false);
    }

    private static RoundScorer.Scores scores(List<MinerResult> results) {
        return new RoundScorer.Scores(results, 2.5, 2.4, 8, Map.of());
    }

    private static List<String> hotkeys(List<MinerResult> results) {
        return results.stream().map(MinerResult::hotkey).toList();
    }
}
