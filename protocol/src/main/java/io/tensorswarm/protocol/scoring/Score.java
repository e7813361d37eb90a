package io.tensorswarm.protocol.scoring;

/**
 * Returns a delta's score for one round, with the numbers it came from.
 *
 * @param value the round score, &ge; 0: relative unassigned improvement, clipped at 0, times
 *     {@code 1 + bonus} when the bonus applies
 * @param unassignedImprovement relative loss improvement on the unassigned pages (may be negative;
 *     NaN when base+delta gave a non-finite loss)
 * @param assignedImprovement relative loss improvement on the assigned pages
 * @param bonus whether assigned-page improvement beat unassigned-page improvement
 */
public record Score(double value, double unassignedImprovement, double assignedImprovement, boolean bonus) {
    /** Returns the score of a rejected or missing delta: 0, with NaN improvements. */
    public static Score zero() {
        return new Score(0, Double.NaN, Double.NaN, false);
    }
}
