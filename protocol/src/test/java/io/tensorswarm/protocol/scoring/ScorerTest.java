package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ScorerTest {
    private final Scorer scorer = new Scorer(0.10);

    @Test
    void scoresRelativeUnassignedImprovementWithABonusForTrainingOnTheAssignment() {
        Score s = scorer.score(new RoundLosses(4.0, 3.0, 4.0, 2.0));
        assertEquals(0.25, s.unassignedImprovement(), 0);
        assertEquals(0.5, s.assignedImprovement(), 0);
        assertTrue(s.bonus());
        assertEquals(0.275, s.value(), 1e-15);
    }

    @Test
    void noBonusWhenAssignedPagesImproveLess() {
        Score s = scorer.score(new RoundLosses(4.0, 3.0, 4.0, 3.5));
        assertFalse(s.bonus());
        assertEquals(0.25, s.value(), 0);
    }

    @Test
    void aDeltaThatHurtsScoresZeroWithoutBonus() {
        Score s = scorer.score(new RoundLosses(4.0, 5.0, 4.0, 3.0));
        assertEquals(-0.25, s.unassignedImprovement(), 0);
        assertEquals(0, s.value(), 0);
        assertFalse(s.bonus());
    }

    @Test
    void aNonFiniteLossAfterTheDeltaScoresZero() {
        assertEquals(0, scorer.score(new RoundLosses(4.0, Double.NaN, 4.0, 3.0)).value(), 0);
        Score s = scorer.score(new RoundLosses(4.0, 3.0, 4.0, Double.POSITIVE_INFINITY));
        assertEquals(0.25, s.value(), 0);
        assertFalse(s.bonus());
    }

    @Test
    void refusesBrokenBaseLossesAndNegativeBonus() {
        assertThrows(IllegalArgumentException.class, () -> scorer.score(new RoundLosses(0, 1, 4, 3)));
        assertThrows(IllegalArgumentException.class, () -> scorer.score(new RoundLosses(4, 3, Double.NaN, 3)));
        assertThrows(IllegalArgumentException.class, () -> new Scorer(-0.1));
    }
}
