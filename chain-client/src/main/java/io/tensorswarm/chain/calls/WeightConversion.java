package io.tensorswarm.chain.calls;

import java.util.Arrays;

/**
 * Converts float weights to the u16 values {@code set_weights} and the commit payloads carry,
 * bit for bit as the bittensor SDK's {@code convert_weights_and_uids_for_emit} does: float32
 * inputs widened to double, divided by the maximum, times 65535, rounded half-to-even, zeros
 * dropped.
 */
public final class WeightConversion {
    private static final int U16_MAX = 65535;

    private WeightConversion() {}

    /** The converted pair: uids whose weight stayed non-zero, and their u16 values. */
    public record EmitWeights(int[] uids, int[] weights) {
        /** Copies the arrays. */
        public EmitWeights {
            uids = uids.clone();
            weights = weights.clone();
        }

        @Override
        public int[] uids() {
            return uids.clone();
        }

        @Override
        public int[] weights() {
            return weights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof EmitWeights e && Arrays.equals(uids, e.uids) && Arrays.equals(weights, e.weights);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(uids) + Arrays.hashCode(weights);
        }

        @Override
        public String toString() {
            return "EmitWeights[uids=" + Arrays.toString(uids) + ", weights=" + Arrays.toString(weights) + "]";
        }
    }

    /**
     * Returns the emit form of {@code (uids, weights)}; all-zero weights give empty arrays.
     *
     * @throws IllegalArgumentException on negative or NaN weights, negative uids or a length mismatch
     */
    public static EmitWeights convertWeightsAndUidsForEmit(int[] uids, float[] weights) {
        double[] wide = new double[weights.length];
        for (int i = 0; i < weights.length; i++) {
            wide[i] = weights[i];
        }
        return convertWeightsAndUidsForEmit(uids, wide);
    }

    /**
     * Returns the emit form of float64 {@code (uids, weights)} (what {@link WeightProcessing}
     * returns); all-zero weights give empty arrays.
     *
     * @throws IllegalArgumentException on negative or NaN weights, negative uids or a length mismatch
     */
    public static EmitWeights convertWeightsAndUidsForEmit(int[] uids, double[] weights) {
        if (uids.length != weights.length) {
            throw new IllegalArgumentException("uids and weights differ in length: " + uids.length + " vs " + weights.length);
        }
        double sum = 0;
        double max = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("weight " + i + " is negative or NaN: " + weights[i]);
            }
            if (uids[i] < 0) {
                throw new IllegalArgumentException("uid " + i + " is negative: " + uids[i]);
            }
            sum += weights[i];
            max = Math.max(max, weights[i]);
        }
        if (sum == 0) {
            return new EmitWeights(new int[0], new int[0]);
        }
        int[] outUids = new int[uids.length];
        int[] outWeights = new int[uids.length];
        int n = 0;
        for (int i = 0; i < weights.length; i++) {
            double scaled = (weights[i] / max) * U16_MAX;
            int value = (int) Math.rint(scaled);
            if (value != 0) {
                outUids[n] = uids[i];
                outWeights[n] = value;
                n++;
            }
        }
        return new EmitWeights(Arrays.copyOf(outUids, n), Arrays.copyOf(outWeights, n));
    }
}
