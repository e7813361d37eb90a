package io.tensorswarm.orchestrator.round;

import java.util.List;

/**
 * The training pages assigned to a miner for a round.
 *
 * @param round the round
 * @param hotkey the miner's hotkey (SS58, format 42)
 * @param datasetFingerprint the dataset's fingerprint (64 hex characters)
 * @param pageCount how many pages the dataset has
 * @param pages the assigned page indices, in the order drawn
 */
public record Assignment(long round, String hotkey, String datasetFingerprint, long pageCount, List<Long> pages) {
    public Assignment {
        pages = List.copyOf(pages);
    }
}
