package io.tensorswarm.protocol.scoring;

/**
 * Turns a delta's measured losses into its round score (design §3 step 5): the relative loss
 * improvement on the round's unassigned pages, clipped at 0 below, multiplied by {@code 1 +
 * bonusFraction} when the relative improvement on the miner's assigned pages is strictly larger,
 * which shows that the miner trained on its assignment rather than on something else.
 *
 * <p>A non-finite loss after the delta scores 0. Immutable and thread-safe.
 *
 * <pre>{@code
 * Score s = new Scorer(0.10).score(new RoundLosses(4.0, 3.0, 4.0, 2.0));   // 0.25 * 1.1 = 0.275
 * }</pre>
 */
public final class Scorer {
    /** The default bonus: 10% of the score. */
    public static final double DEFAULT_BONUS_FRACTION = 0.10;

    private final double bonusFraction;

    /**
     * Creates a scorer.
     *
     * @throws IllegalArgumentException when {@code bonusFraction} is negative or not finite
     */
    public Scorer(double bonusFraction) {
        if (!(bonusFraction >= 0) || Double.isInfinite(bonusFraction)) {
            throw new IllegalArgumentException("bonus fraction must be finite and >= 0, got " + bonusFraction);
        }
        this.bonusFraction = bonusFraction;
    }

    public double bonusFraction() {
        return bonusFraction;
    }

    /**
     * Returns the score of one delta.
     *
     * @throws IllegalArgumentException when a base loss is not finite and positive (the validator's
     *     own measurement is broken, not the miner's delta)
     */
    public Score score(RoundLosses losses) {
        requireBaseLoss(losses.baseUnassigned(), "unassigned");
        requireBaseLoss(losses.baseAssigned(), "assigned");
        if (!Double.isFinite(losses.afterUnassigned())) {
            return new Score(0, Double.NaN, losses.assignedImprovement(), false);
        }
        double unassigned = losses.unassignedImprovement();
        double assigned = Double.isFinite(losses.afterAssigned()) ? losses.assignedImprovement() : Double.NaN;
        double value = Math.max(0, unassigned);
        boolean bonus = value > 0 && assigned > unassigned;
        return new Score(bonus ? value * (1 + bonusFraction) : value, unassigned, assigned, bonus);
    }

    private static void requireBaseLoss(double loss, String pages) {
        if (!(loss > 0) || Double.isInfinite(loss)) {
            throw new IllegalArgumentException("base loss on " + pages + " pages must be finite and > 0, got " + loss);
        }
    }
}
