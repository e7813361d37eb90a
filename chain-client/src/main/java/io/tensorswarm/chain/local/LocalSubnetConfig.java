package io.tensorswarm.chain.local;

import io.tensorswarm.chain.model.SubnetHyperparameters;
/**
 * The hyperparameters of a local subnet: the chain's rules that miners and validators act on, plus
 * the local chain's own knobs. Immutable; derive variants with the {@code withX} methods.
 *
 * @param tempo Blocks per epoch; incentive is recomputed at every multiple of it (default 10).
 * @param weightsRateLimit Blocks a hotkey must wait between weight updates (chain default 100; local default 10).
 * @param weightsVersionKey Minimum version key set_weights must carry; 0 accepts any (default 0).
 * @param commitRevealEnabled Whether weights must go through commit_weights/reveal_weights (chain default true; local default false).
 * @param revealPeriodEpochs Epochs after the commit's epoch in which its reveal is accepted (default 1).
 * @param minAllowedWeights Fewest weights a set_weights call may carry, capped at the subnet size (default 1).
 * @param maxWeightLimit Largest share one uid may get, as u16 (65535 = no limit, the default).
 * @param maxUids Subnet size; when full, a registration replaces the lowest-incentive non-immune neuron (default 256).
 * @param maxAllowedValidators How many top-stake neurons get a validator permit (default 64).
 * @param immunityPeriod Blocks after registration during which a neuron cannot be replaced (default 100).
 * @param burnRao Cost of burned_register in rao, taken from the coldkey's balance (default 1 TAO).
 * @param servingRateLimit Blocks between two serve_axon calls of a hotkey (default 0).
 * @param minStakeRao Stake a hotkey needs to set weights (default 0, no threshold).
 * @param consensusClipping Whether the epoch clips each weight to the stake-weighted median (kappa 0.5) before computing incentive (default true).
 * @param maxCommitmentSpace Commitment bytes a hotkey may write per epoch, each call charged at least 100 (default 3100).
 */
public record LocalSubnetConfig(
        int tempo,
        long weightsRateLimit,
        long weightsVersionKey,
        boolean commitRevealEnabled,
        long revealPeriodEpochs,
        int minAllowedWeights,
        int maxWeightLimit,
        int maxUids,
        int maxAllowedValidators,
        long immunityPeriod,
        long burnRao,
        long servingRateLimit,
        long minStakeRao,
        boolean consensusClipping,
        int maxCommitmentSpace) {

    /** Throws {@link IllegalArgumentException} on values the chain could not hold. */
    public LocalSubnetConfig {
        if (tempo < 1) {
            throw new IllegalArgumentException("tempo must be at least 1, got " + tempo);
        }
        requireNonNegative("weightsRateLimit", weightsRateLimit);
        requireNonNegative("weightsVersionKey", weightsVersionKey);
        requireNonNegative("revealPeriodEpochs", revealPeriodEpochs);
        requireNonNegative("minAllowedWeights", minAllowedWeights);
        requireNonNegative("immunityPeriod", immunityPeriod);
        requireNonNegative("burnRao", burnRao);
        requireNonNegative("servingRateLimit", servingRateLimit);
        requireNonNegative("minStakeRao", minStakeRao);
        requireNonNegative("maxCommitmentSpace", maxCommitmentSpace);
        if (maxWeightLimit < 0 || maxWeightLimit > 65535) {
            throw new IllegalArgumentException("maxWeightLimit must be a u16, got " + maxWeightLimit);
        }
        if (maxUids < 1 || maxUids > 65535) {
            throw new IllegalArgumentException("maxUids must be in [1, 65535], got " + maxUids);
        }
        if (maxAllowedValidators < 0) {
            throw new IllegalArgumentException("maxAllowedValidators must be non-negative, got " + maxAllowedValidators);
        }
    }

    /** Returns the defaults listed on each component. */
    public static LocalSubnetConfig defaults() {
        return new LocalSubnetConfig(10, 10, 0, false, 1, 1, 65535, 256, 64, 100, 1_000_000_000L, 0, 0, true, 3100);
    }

    /** Returns the hyperparameters the {@link io.tensorswarm.chain.Chain} interface reports for {@code netuid}. */
    public SubnetHyperparameters toHyperparameters(int netuid) {
        return new SubnetHyperparameters(netuid, tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled,
                revealPeriodEpochs, minAllowedWeights, maxWeightLimit);
    }

    private static void requireNonNegative(String name, long value) {
        if (value < 0) {
            throw new IllegalArgumentException(name + " must be non-negative, got " + value);
        }
    }

    /** Returns a copy with {@code tempo} replaced. */
    public LocalSubnetConfig withTempo(int value) {
        return new LocalSubnetConfig(value, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code weightsRateLimit} replaced. */
    public LocalSubnetConfig withWeightsRateLimit(long value) {
        return new LocalSubnetConfig(tempo, value, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code weightsVersionKey} replaced. */
    public LocalSubnetConfig withWeightsVersionKey(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, value, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code commitRevealEnabled} replaced. */
    public LocalSubnetConfig withCommitRevealEnabled(boolean value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, value, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code revealPeriodEpochs} replaced. */
    public LocalSubnetConfig withRevealPeriodEpochs(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, value, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code minAllowedWeights} replaced. */
    public LocalSubnetConfig withMinAllowedWeights(int value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, value, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code maxWeightLimit} replaced. */
    public LocalSubnetConfig withMaxWeightLimit(int value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, value, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code maxUids} replaced. */
    public LocalSubnetConfig withMaxUids(int value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, value, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code maxAllowedValidators} replaced. */
    public LocalSubnetConfig withMaxAllowedValidators(int value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, value, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code immunityPeriod} replaced. */
    public LocalSubnetConfig withImmunityPeriod(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, value, burnRao, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code burnRao} replaced. */
    public LocalSubnetConfig withBurnRao(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, value, servingRateLimit, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code servingRateLimit} replaced. */
    public LocalSubnetConfig withServingRateLimit(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, value, minStakeRao, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code minStakeRao} replaced. */
    public LocalSubnetConfig withMinStakeRao(long value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, value, consensusClipping, maxCommitmentSpace);
    }

    /** Returns a copy with {@code consensusClipping} replaced. */
    public LocalSubnetConfig withConsensusClipping(boolean value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, value, maxCommitmentSpace);
    }

    /** Returns a copy with {@code maxCommitmentSpace} replaced. */
    public LocalSubnetConfig withMaxCommitmentSpace(int value) {
        return new LocalSubnetConfig(tempo, weightsRateLimit, weightsVersionKey, commitRevealEnabled, revealPeriodEpochs, minAllowedWeights, maxWeightLimit, maxUids, maxAllowedValidators, immunityPeriod, burnRao, servingRateLimit, minStakeRao, consensusClipping, value);
    }
}
