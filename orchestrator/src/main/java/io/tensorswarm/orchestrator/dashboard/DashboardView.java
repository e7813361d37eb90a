package io.tensorswarm.orchestrator.dashboard;

import io.tensorswarm.orchestrator.history.RevisionRecord;
import io.tensorswarm.orchestrator.history.RoundRecord;
import io.tensorswarm.orchestrator.round.RoundStatus;
import java.util.List;

/**
 * The body of {@code GET /v1/dashboard}: everything the dashboard page plots, all of it public
 * (chain state, base revisions and their loss, the validator's published results when configured)
 * except that the roster contributes only each hotkey's last heartbeat time.
 *
 * @param netuid the subnet
 * @param nowMillis the server's clock, Unix milliseconds
 * @param round the round clock now, or null when the chain cannot be read
 * @param dataset the dataset assignments are drawn from, or null when none is known (yet)
 * @param revisions base revisions in the order seen, with their loss on the dashboard's pages
 * @param rounds per-round chain snapshots (incentive, commitments), ascending
 * @param miners every registered neuron, by uid
 * @param validatorRounds the validator's per-round results, ascending; empty when not configured
 * @param problems one line per data source that could not be read
 */
public record DashboardView(int netuid, long nowMillis, RoundStatus round, Dataset dataset,
        List<RevisionRecord> revisions, List<RoundRecord> rounds, List<Miner> miners,
        List<ValidatorReports.Round> validatorRounds, List<String> problems) {

    public DashboardView {
        revisions = List.copyOf(revisions);
        rounds = List.copyOf(rounds);
        miners = List.copyOf(miners);
        validatorRounds = List.copyOf(validatorRounds);
        problems = List.copyOf(problems);
    }

    /**
     * The dataset of the page assignments.
     *
     * @param fingerprint the dataset's fingerprint
     * @param pageCount its pages
     * @param pagesPerMiner pages assigned to each miner per round
     */
    public record Dataset(String fingerprint, long pageCount, int pagesPerMiner) {}

    /**
     * One registered neuron.
     *
     * @param uid its uid
     * @param hotkey its hotkey (SS58)
     * @param validatorPermit whether it holds a validator permit
     * @param stakeTao its stake in TAO
     * @param incentive its incentive in [0, 1]: its share of the subnet's consensus weight
     * @param dividends its dividends in [0, 1] (validators)
     * @param lastUpdate the block of its last weights update
     * @param commitRound the round its latest commitment names, or null
     * @param commitBlock the block of its latest commitment, or null
     * @param lastHeartbeatMillis when its last heartbeat arrived, Unix milliseconds, or null
     */
    public record Miner(int uid, String hotkey, boolean validatorPermit, double stakeTao, double incentive,
            double dividends, long lastUpdate, Long commitRound, Long commitBlock, Long lastHeartbeatMillis) {}
}
