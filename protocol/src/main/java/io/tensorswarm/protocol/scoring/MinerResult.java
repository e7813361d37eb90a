package io.tensorswarm.protocol.scoring;

/**
 * Returns what a scorer (a validator, or the averager choosing what to merge) concluded about one
 * miner in one round, as written to the validator's round result file.
 *
 * @param hotkey the miner's hotkey
 * @param uid its uid, or -1 when it is not registered any more
 * @param commitBlock the block of its commitment
 * @param improvement relative loss improvement on the unassigned pages (NaN when not evaluated)
 * @param assignedImprovement relative loss improvement on its assigned pages (NaN when not evaluated)
 * @param lossAfter base+delta loss on the unassigned pages (NaN when not evaluated)
 * @param score the round score, &ge; 0
 * @param smoothed the moving score after this round
 * @param weight the normalized weight set from the moving scores (0 when none)
 * @param reason why it scored 0 ({@code null} when evaluated), e.g. {@code "missing manifest"}, {@code "COPY"}
 * @param detail one line explaining the reason, or {@code null}
 * @param anomalous whether its loss was flagged as an outlier (only with loss-anomaly flags on)
 */
public record MinerResult(String hotkey, int uid, long commitBlock, double improvement, double assignedImprovement,
        double lossAfter, double score, double smoothed, double weight, String reason, String detail,
        boolean anomalous) {

    /** Returns a result for a miner rejected before evaluation. */
    public static MinerResult rejected(String hotkey, int uid, long block, String reason, String detail) {
        return new MinerResult(hotkey, uid, block, Double.NaN, Double.NaN, Double.NaN, 0, 0, 0, reason, detail, false);
    }

    /** Returns a copy with the moving score and weight filled in. */
    public MinerResult withBook(double smoothedScore, double weightShare) {
        return new MinerResult(hotkey, uid, commitBlock, improvement, assignedImprovement, lossAfter, score,
                smoothedScore, weightShare, reason, detail, anomalous);
    }

    /** Returns a copy with another round score. */
    public MinerResult withScore(double value) {
        return new MinerResult(hotkey, uid, commitBlock, improvement, assignedImprovement, lossAfter, value,
                smoothed, weight, reason, detail, anomalous);
    }

    /** Returns a copy marked anomalous. */
    public MinerResult flagged() {
        return new MinerResult(hotkey, uid, commitBlock, improvement, assignedImprovement, lossAfter, score,
                smoothed, weight, reason, detail, true);
    }
}
