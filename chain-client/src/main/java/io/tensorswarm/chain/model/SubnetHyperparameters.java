package io.tensorswarm.chain.model;

/**
 * The hyperparameters of a subnet that miners and validators act on. {@code maxWeightLimit} is the
 * chain's u16 value (65535 = no limit).
 */
public record SubnetHyperparameters(
        int netuid,
        int tempo,
        long weightsRateLimit,
        long weightsVersionKey,
        boolean commitRevealEnabled,
        long revealPeriodEpochs,
        int minAllowedWeights,
        int maxWeightLimit) {}
