package io.tensorswarm.chain.model;

/**
 * One neuron of a subnet's metagraph. Stake is in rao (1 TAO = 1e9 rao); incentive and dividends
 * are the chain's u16 fractions scaled to [0, 1].
 */
public record Neuron(
        int uid,
        String hotkey,
        String coldkey,
        long stakeRao,
        boolean validatorPermit,
        long lastUpdate,
        double incentive,
        double dividends,
        AxonInfo axon) {}
