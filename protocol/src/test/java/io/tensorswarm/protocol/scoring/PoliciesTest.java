package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PoliciesTest {
    @Test
    void tieredPolicyGivesFullWeightInsideTwoSigmaAndLessOutside() {
        List<MinerObservation> obs = List.of(
                new MinerObservation("a", true, 3), new MinerObservation("b", true, 3),
                new MinerObservation("c", true, 3), new MinerObservation("d", true, 3),
                new MinerObservation("e", true, 3), new MinerObservation("f", true, 3),
                new MinerObservation("wild", true, 10), // mean 4, sd sqrt(6) = 2.449; |10 - 4| = 6 > 4.899
                new MinerObservation("gone", false, Double.NaN),
                new MinerObservation("nan", true, Double.NaN));
        Map<String, Double> tiers = TieredPolicy.defaults().assign(obs);
        assertEquals(1.0, tiers.get("a"));
        assertEquals(1.0, tiers.get("f"));
        assertEquals(0.3, tiers.get("wild"));
        assertEquals(0.1, tiers.get("gone"));
        assertEquals(0.3, tiers.get("nan"));
    }

    @Test
    void tieredPolicyTrustsALoneResponsiveMiner() {
        assertEquals(Map.of("solo", 1.0), TieredPolicy.defaults().assign(List.of(new MinerObservation("solo", true, 9))));
    }

    @Test
    void madFlagsTheOutlierThatZScoresMaskInASmallCohort() {
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("a", 3.0);
        losses.put("b", 3.1);
        losses.put("c", 2.9);
        losses.put("d", 3.0);
        losses.put("e", 9.0);
        // median 3.0, absolute deviations {0, .1, .1, 0, 6}, MAD 0.1: e's statistic is 6 / 0.14826
        List<LossAnomaly.Flag> mad = LossAnomaly.mad().flag(losses);
        assertEquals(1, mad.size());
        assertEquals("e", mad.get(0).hotkey());
        assertEquals(6.0 / 0.14826, mad.get(0).statistic(), 1e-9);
        // mean 4.2, sd sqrt(5.764): e's z-score is 4.8 / 2.4008 = 1.9993, under 3
        assertEquals(List.of(), LossAnomaly.zScore().flag(losses));
    }

    @Test
    void nonFiniteLossesAreAlwaysFlaggedAndSmallCohortsOtherwiseNot() {
        Map<String, Double> losses = new LinkedHashMap<>();
        losses.put("a", 3.0);
        losses.put("b", 30.0);
        losses.put("c", Double.NaN);
        List<LossAnomaly.Flag> flags = LossAnomaly.mad().flag(losses);
        assertEquals(1, flags.size());
        assertEquals("c", flags.get(0).hotkey());
    }

    @Test
    void zScoresFlagAClearOutlierInALargerCohort() {
        Map<String, Double> losses = new LinkedHashMap<>();
        for (int i = 0; i < 19; i++) {
            losses.put("m" + i, 3.0 + (i % 2 == 0 ? 0.1 : -0.1));
        }
        losses.put("wild", 9.0);
        List<LossAnomaly.Flag> flags = LossAnomaly.zScore().flag(losses);
        assertEquals(List.of("wild"), flags.stream().map(LossAnomaly.Flag::hotkey).toList());
    }
}
