package io.tensorswarm.bench;

import java.util.List;
import java.util.Map;

/**
 * One configuration's outcome: its held-out loss curve against tokens seen, and what it cost.
 *
 * @param label the configuration's name in tables and plots ({@code one machine}, {@code fp32}, ...)
 * @param codec the swarm's codec, or null for one machine
 * @param miners K, the swarm's miner count (for one machine: the K it is matched to)
 * @param outerLearningRate the averager's outer learning rate (NaN for one machine)
 * @param outerMomentum the averager's outer momentum (NaN for one machine)
 * @param points held-out loss after each round, starting with the initial model at 0 tokens
 * @param steps optimizer steps taken, all miners together
 * @param wallSeconds wall-clock time of the whole run
 * @param trainSeconds of which training (the miners' jobs, or the one machine's steps)
 * @param deltaBytes mean delta file size (bytes, header included); 0 for one machine
 * @param fp32Bytes the size of the same delta's {@code fp32} file (header included); 0 for one machine
 * @param deltas deltas published
 * @param evaluated deltas the scorer evaluated (the others were rejected before evaluation)
 * @param raisedOwnLoss evaluated deltas that raised the loss on their own miner's assigned pages
 * @param zeroScores evaluated deltas that scored 0 (no improvement on the round's evaluation pages)
 * @param rejected deltas rejected before evaluation, by reason
 * @param mergesAccepted rounds whose merge passed the averager's check-loss gate
 * @param mergesRefused rounds whose merge was refused by the check-loss gate (the others of the
 *     {@code points().size() - 1} rounds had nothing to merge: no delta scored above 0)
 * @param restarts accepted or refused merges whose step with momentum was rejected first
 */
record RunResult(
        String label,
        String codec,
        int miners,
        double outerLearningRate,
        double outerMomentum,
        List<Point> points,
        long steps,
        double wallSeconds,
        double trainSeconds,
        double deltaBytes,
        long fp32Bytes,
        int deltas,
        int evaluated,
        int raisedOwnLoss,
        int zeroScores,
        Map<String, Integer> rejected,
        int mergesAccepted,
        int mergesRefused,
        int restarts) {

    /** The held-out loss after {@code round} rounds ({@code round} 0: the initial model). */
    record Point(int round, long tokens, double loss) {}

    RunResult {
        points = List.copyOf(points);
        rejected = Map.copyOf(rejected);
    }

    boolean isOneMachine() {
        return codec == null;
    }

    double initialLoss() {
        return points.get(0).loss();
    }

    double finalLoss() {
        return points.get(points.size() - 1).loss();
    }

    long tokens() {
        return points.get(points.size() - 1).tokens();
    }

    /** Initial minus final held-out loss. */
    double reduction() {
        return initialLoss() - finalLoss();
    }

    /** Rounds in which no delta scored above 0, so nothing was merged. */
    int idleRounds() {
        return points.size() - 1 - mergesAccepted - mergesRefused;
    }

    /** Delta bytes per round, all miners together. */
    double bytesPerRound() {
        return deltaBytes * miners;
    }
}
