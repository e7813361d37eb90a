package io.tensorswarm.chain.local;

import io.tensorswarm.chain.WeightLimits;
import io.tensorswarm.chain.local.ChainState.NeuronState;
import io.tensorswarm.chain.local.ChainState.SubnetState;
import java.util.HashSet;
import java.util.Set;

/**
 * The checks {@code set_weights} and {@code reveal_weights} share, in the chain's order
 * (chain-spec §4.1, {@code pallets/subtensor/src/subnets/weights.rs}), and the upscaled storage
 * form of accepted weights.
 */
final class WeightChecks {
    private static final int U16_MAX = 65535;

    private WeightChecks() {}

    /**
     * Checks a weight vector from {@code uid}; {@code checkRateLimit} is false for reveals.
     *
     * @throws io.tensorswarm.chain.DispatchException naming the first rule broken
     */
    static void check(SubnetState sub, int uid, int[] uids, int[] values, long versionKey, long block,
            boolean checkRateLimit, boolean hasPermit, long stakeRao) {
        LocalSubnetConfig cfg = sub.config;
        int n = sub.neurons.size();
        if (uids.length != values.length) {
            throw DispatchErrors.subtensor("WeightVecNotEqualSize",
                    "The uids vector (" + uids.length + ") and the weights vector (" + values.length + ") differ in length.");
        }
        if (uids.length > n) {
            throw DispatchErrors.subtensor("UidsLengthExceedUidsInSubNet",
                    uids.length + " uids exceed the " + n + " neurons of the subnet.");
        }
        if (cfg.minStakeRao() > 0 && stakeRao < cfg.minStakeRao()) {
            throw DispatchErrors.subtensor("NotEnoughStakeToSetWeights",
                    "The hotkey has " + stakeRao + " rao of stake; " + cfg.minStakeRao() + " are needed to set weights.");
        }
        if (cfg.weightsVersionKey() != 0 && versionKey < cfg.weightsVersionKey()) {
            throw DispatchErrors.subtensor("IncorrectWeightVersionKey",
                    "Version key " + versionKey + " is below the subnet's " + cfg.weightsVersionKey() + ".");
        }
        NeuronState self = sub.neurons.get(uid);
        if (checkRateLimit && !WeightLimits.rateLimitPassed(self.lastUpdate, block, cfg.weightsRateLimit())) {
            throw DispatchErrors.subtensor("SettingWeightsTooFast",
                    "Weights were set at block " + self.lastUpdate + "; the rate limit is " + cfg.weightsRateLimit()
                            + " blocks and this is block " + block + ".");
        }
        boolean selfWeight = uids.length == 1 && uids[0] == uid;
        if (!hasPermit && !selfWeight) {
            throw DispatchErrors.subtensor("NeuronNoValidatorPermit",
                    "The neuron " + uid + " has no validator permit.");
        }
        Set<Integer> seen = new HashSet<>();
        for (int u : uids) {
            if (!seen.add(u)) {
                throw DispatchErrors.subtensor("DuplicateUids", "The uid " + u + " appears more than once.");
            }
        }
        for (int i = 0; i < uids.length; i++) {
            if (uids[i] < 0 || uids[i] >= n) {
                throw DispatchErrors.subtensor("UidVecContainInvalidOne", "The uid " + uids[i] + " does not exist.");
            }
            if (values[i] < 0 || values[i] > U16_MAX) {
                throw new IllegalArgumentException("weight " + values[i] + " at index " + i + " is not a u16");
            }
        }
        int minAllowed = Math.min(cfg.minAllowedWeights(), n);
        if (!selfWeight && uids.length < minAllowed) {
            throw DispatchErrors.subtensor("WeightVecLengthIsLow",
                    uids.length + " weights are fewer than the " + minAllowed + " the subnet requires.");
        }
        if (!selfWeight && cfg.maxWeightLimit() != U16_MAX) {
            long sum = 0;
            long max = 0;
            for (int v : values) {
                sum += v;
                max = Math.max(max, v);
            }
            long normalizedMax = sum == 0 ? 0 : max * U16_MAX / sum;
            if (normalizedMax > cfg.maxWeightLimit()) {
                throw DispatchErrors.subtensor("MaxWeightExceeded",
                        "The largest weight is " + normalizedMax + "/65535 of the total; the limit is " + cfg.maxWeightLimit() + ".");
            }
        }
    }

    /** Returns {@code values} scaled so the largest is 65535, as the chain stores them. */
    static int[] maxUpscaled(int[] values) {
        long max = 0;
        for (int v : values) {
            max = Math.max(max, v);
        }
        int[] out = new int[values.length];
        if (max == 0) {
            return out;
        }
        for (int i = 0; i < values.length; i++) {
            out[i] = (int) ((values[i] * (long) U16_MAX + max / 2) / max);
        }
        return out;
    }
}
