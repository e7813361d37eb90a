package io.tensorswarm.orchestrator.history;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the chain showed during one round: each registered hotkey's incentive (its share of the
 * subnet's consensus weight, in [0, 1]) and which hotkeys committed a delta for the round.
 *
 * @param round the round
 * @param block the block of the last change recorded
 * @param incentive hotkey (SS58) to incentive at that block
 * @param committed hotkeys whose on-chain commitment names this round, sorted
 */
public record RoundRecord(long round, long block, Map<String, Double> incentive, List<String> committed) {
    public RoundRecord {
        incentive = new TreeMap<>(incentive);
        committed = committed.stream().sorted().distinct().toList();
    }
}
