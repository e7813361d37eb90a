package io.tensorswarm.validator.scoring;

import java.util.Arrays;

/**
 * Returns normalized weights for the chain: parallel arrays of uids (ascending) and float weights
 * that sum to 1 (up to float rounding), or both empty when no miner has a positive score. Converting
 * to u16 the way the Bittensor SDK does is the chain client's job.
 *
 * @param uids neuron uids, ascending, no duplicates
 * @param weights weight of each uid, &gt; 0
 */
public record WeightVector(int[] uids, float[] weights) {
    public WeightVector {
        if (uids.length != weights.length) {
            throw new IllegalArgumentException(uids.length + " uids but " + weights.length + " weights");
        }
        uids = uids.clone();
        weights = weights.clone();
    }

    @Override
    public int[] uids() {
        return uids.clone();
    }

    @Override
    public float[] weights() {
        return weights.clone();
    }

    public int size() {
        return uids.length;
    }

    public boolean isEmpty() {
        return uids.length == 0;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof WeightVector w && Arrays.equals(uids, w.uids) && Arrays.equals(weights, w.weights);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(uids) + Arrays.hashCode(weights);
    }

    @Override
    public String toString() {
        return "WeightVector[uids=" + Arrays.toString(uids) + ", weights=" + Arrays.toString(weights) + "]";
    }
}
