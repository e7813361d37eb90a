package io.tensorswarm.protocol.scoring;

import java.util.List;
import java.util.Optional;

/**
 * Returns the screening of a round's cohort: the norm bound used and every miner's outcome, in
 * commitment order (block, then hotkey).
 *
 * @param medianNorm the median norm of the deltas that reached the norm check, or NaN when fewer
 *     than {@code minCohort} did
 * @param normBound the L2 norm above which a delta was rejected
 * @param outcomes one per submitted delta, in commitment order
 */
public record ScreenReport(double medianNorm, double normBound, List<ScreenOutcome> outcomes) {
    public ScreenReport {
        outcomes = List.copyOf(outcomes);
    }

    /** Returns the outcome for {@code hotkey}, or empty when it submitted nothing. */
    public Optional<ScreenOutcome> outcome(String hotkey) {
        return outcomes.stream().filter(o -> o.hotkey().equals(hotkey)).findFirst();
    }

    /** Returns the hotkeys whose deltas passed every check, in commitment order. */
    public List<String> acceptedHotkeys() {
        return outcomes.stream().filter(ScreenOutcome::accepted).map(ScreenOutcome::hotkey).toList();
    }
}
