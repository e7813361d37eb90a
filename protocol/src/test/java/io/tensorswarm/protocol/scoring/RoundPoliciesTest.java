package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RoundPolicies}: what the tiered policy and the loss-anomaly flag do to round scores. */
@Timeout(10)
class RoundPoliciesTest {
    private static MinerResult evaluated(String hotkey, double lossAfter, double score) {
        return new MinerResult(hotkey, 1, 1, 0.1, 0.1, lossAfter, score, 0, 0, null, null, false);
    }

    private static MinerResult score(List<MinerResult> results, String hotkey) {
        return results.stream().filter(m -> m.hotkey().equals(hotkey)).findFirst().orElseThrow();
    }

    @Test
    void underTieredPolicyARejectedMinerKeepsNothingAndEvaluatedOnesAreTiered() {
        List<MinerResult> in = List.of(evaluated("a", 3.0, 0.2), evaluated("b", 3.01, 0.1),
                MinerResult.rejected("lazy", 2, 1, "missing manifest", "nothing uploaded"),
                MinerResult.rejected("copy", 3, 1, "COPY", "cosine 1.0"),
                MinerResult.rejected("forged", 4, 1, "bad signature", "not the hotkey's"));
        List<MinerResult> out = RoundPolicies.apply(7, in, RoundScorer.Policy.TIERED, false);
        assertEquals(1.0, score(out, "a").score());
        assertEquals(1.0, score(out, "b").score());
        for (String rejected : List.of("lazy", "copy", "forged")) {
            assertEquals(0.0, score(out, rejected).score(), rejected + " must not earn the old 0.1 tier");
        }
    }

    @Test
    void aLossOutlierAboveTheMedianScoresZeroAndOneBelowIsOnlyMarked() {
        List<MinerResult> in = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            in.add(evaluated("h" + i, 3.00 + 0.001 * i, 0.05));
        }
        in.add(evaluated("harmful", 4.5, 0.01));
        in.add(evaluated("great", 1.5, 0.5));
        List<MinerResult> unchanged = RoundPolicies.apply(7, in, RoundScorer.Policy.SCORE, false);
        assertEquals(0.01, score(unchanged, "harmful").score(), "without the flag nothing changes");

        List<MinerResult> out = RoundPolicies.apply(7, in, RoundScorer.Policy.SCORE, true);
        assertEquals(0.0, score(out, "harmful").score());
        assertTrue(score(out, "harmful").anomalous());
        assertEquals(0.5, score(out, "great").score(), "an outlier that lowered the loss more than anyone keeps its score");
        assertTrue(score(out, "great").anomalous());
        assertEquals(0.05, score(out, "h2").score());
        assertFalse(score(out, "h2").anomalous());
    }
}
