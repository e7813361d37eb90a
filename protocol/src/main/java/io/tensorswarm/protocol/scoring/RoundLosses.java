package io.tensorswarm.protocol.scoring;

/**
 * Returns the four mean losses a validator measures for one delta: base and base+delta, on the
 * round's unassigned evaluation pages and on the miner's assigned pages (nats per token).
 *
 * @param baseUnassigned base model loss on the unassigned pages
 * @param afterUnassigned base+delta loss on the unassigned pages
 * @param baseAssigned base model loss on the miner's assigned pages
 * @param afterAssigned base+delta loss on the miner's assigned pages
 */
public record RoundLosses(double baseUnassigned, double afterUnassigned, double baseAssigned, double afterAssigned) {
    /** Returns {@code (baseUnassigned - afterUnassigned) / baseUnassigned}. */
    public double unassignedImprovement() {
        return relative(baseUnassigned, afterUnassigned);
    }

    /** Returns {@code (baseAssigned - afterAssigned) / baseAssigned}. */
    public double assignedImprovement() {
        return relative(baseAssigned, afterAssigned);
    }

    private static double relative(double before, double after) {
        return (before - after) / before;
    }
}
