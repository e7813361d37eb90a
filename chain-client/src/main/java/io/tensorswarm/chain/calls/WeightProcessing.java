package io.tensorswarm.chain.calls;

import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import java.util.Arrays;

/**
 * Fits weights to a subnet's {@code MinAllowedWeights} and {@code MaxWeightsLimit} before they are
 * sent, by the rules of the bittensor SDK's {@code process_weights_for_netuid}
 * ({@code bittensor/utils/weight_utils.py}, exclude quantile 0), with numpy's arithmetic (float32 on
 * the main path, float64 on the fill path, pairwise sums), so the u16 values match the SDK's:
 *
 * <ul>
 *   <li>fewer non-zero weights than the subnet requires: every uid of the subnet gets 1e-5 plus its
 *       weight (so the vector has all {@code n} uids), then the max-weight normalization;
 *   <li>otherwise the non-zero weights, normalized to sum 1 with no share above {@code
 *       MaxWeightsLimit / 65535} ({@code normalize_max_weight}: weights above a cutoff are clipped to
 *       it; with {@code k · limit <= 1} all {@code k} get {@code 1/k}).
 * </ul>
 *
 * <p>Two deliberate departures, both where the SDK would pay every neuron the same: all-zero
 * weights give an empty result (nothing to set) instead of uniform weights, and a subnet smaller
 * than {@code MinAllowedWeights} requires {@code n} weights (the chain's own rule, {@code
 * min(MinAllowedWeights, n)}) instead of uniform weights. Weights are float32, as the SDK casts them.
 */
public final class WeightProcessing {
    private static final double FILL = 1e-5;
    private static final double EPSILON = 1e-7;
    private static final int U16_MAX = 65535;
    /** numpy's pairwise-summation block ({@code PW_BLOCKSIZE}). */
    private static final int PAIRWISE_BLOCK = 128;

    private WeightProcessing() {}

    /** Processed weights: uids and their shares (summing to 1 up to rounding), before the u16 conversion. */
    public record Processed(int[] uids, double[] weights) {
        /** Copies the arrays. */
        public Processed {
            uids = uids.clone();
            weights = weights.clone();
        }

        @Override
        public int[] uids() {
            return uids.clone();
        }

        @Override
        public double[] weights() {
            return weights.clone();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Processed p && Arrays.equals(uids, p.uids) && Arrays.equals(weights, p.weights);
        }

        @Override
        public int hashCode() {
            return 31 * Arrays.hashCode(uids) + Arrays.hashCode(weights);
        }

        @Override
        public String toString() {
            return "Processed[uids=" + Arrays.toString(uids) + ", weights=" + Arrays.toString(weights) + "]";
        }
    }

    /**
     * Returns the u16 form of {@code (uids, weights)} fitted to a subnet's minimum allowed weights and
     * max weight limit (its {@code SubnetHyperparameters}) on a subnet of {@code neurons} uids:
     * {@link #process} then {@link WeightConversion#convertWeightsAndUidsForEmit(int[], double[])}.
     *
     * @throws IllegalArgumentException as {@link #process} does
     */
    public static EmitWeights forEmit(int[] uids, float[] weights, int neurons, int minAllowedWeights,
            int maxWeightLimit) {
        Processed p = process(uids, weights, neurons, minAllowedWeights, maxWeightLimit);
        return WeightConversion.convertWeightsAndUidsForEmit(p.uids(), p.weights());
    }

    /**
     * Returns {@code (uids, weights)} fitted to {@code minAllowedWeights} and {@code maxWeightLimit}
     * (u16; 65535 = no limit) on a subnet of {@code neurons} uids.
     *
     * @throws IllegalArgumentException on a length mismatch, a negative or NaN weight, or (when the
     *     weights must be filled to all uids) a uid outside {@code [0, neurons)}
     */
    public static Processed process(int[] uids, float[] weights, int neurons, int minAllowedWeights, int maxWeightLimit) {
        if (uids.length != weights.length) {
            throw new IllegalArgumentException("uids and weights differ in length: " + uids.length + " vs " + weights.length);
        }
        int nonZero = 0;
        for (int i = 0; i < weights.length; i++) {
            if (!(weights[i] >= 0)) {
                throw new IllegalArgumentException("weight " + i + " is negative or NaN: " + weights[i]);
            }
            if (weights[i] > 0) {
                nonZero++;
            }
        }
        if (nonZero == 0) {
            return new Processed(new int[0], new double[0]);
        }
        double limit = (double) maxWeightLimit / U16_MAX;
        if (nonZero < Math.min(minAllowedWeights, neurons)) {
            double[] all = new double[neurons];
            Arrays.fill(all, FILL);
            for (int i = 0; i < uids.length; i++) {
                if (uids[i] < 0 || uids[i] >= neurons) {
                    throw new IllegalArgumentException("uid " + uids[i] + " is not one of the subnet's " + neurons + " uids");
                }
                all[uids[i]] += weights[i];
            }
            int[] every = new int[neurons];
            Arrays.setAll(every, i -> i);
            return new Processed(every, normalizeMaxWeight(all, limit));
        }
        int[] keptUids = new int[nonZero];
        float[] kept = new float[nonZero];
        for (int i = 0, k = 0; i < weights.length; i++) {
            if (weights[i] > 0) {
                keptUids[k] = uids[i];
                kept[k++] = weights[i];
            }
        }
        float[] y = normalizeMaxWeight(kept, limit);
        double[] wide = new double[y.length];
        for (int i = 0; i < y.length; i++) {
            wide[i] = y[i];
        }
        return new Processed(keptUids, wide);
    }

    /**
     * {@code normalize_max_weight} on a float32 vector. numpy keeps float32 throughout, except where
     * a numpy float64 scalar enters ({@code 1 - limit * (n - n_values)}): the cutoff is float64.
     */
    static float[] normalizeMaxWeight(float[] x, double limit) {
        int n = x.length;
        float[] weights = x.clone();
        float[] values = x.clone();
        Arrays.sort(values);
        if (sum(x) == 0 || n * limit <= 1) {
            float[] uniform = new float[n];
            Arrays.fill(uniform, 1f / n);
            return uniform;
        }
        float lim = (float) limit;
        float eps = (float) EPSILON;
        float valuesSum = sum(values);
        float[] estimation = new float[n];
        float max = 0;
        for (int i = 0; i < n; i++) {
            estimation[i] = values[i] / valuesSum;
            max = Math.max(max, estimation[i]);
        }
        if (max <= lim) {
            return divide(weights, sum(weights));
        }
        float[] cumsum = new float[n];
        float running = 0;
        for (int i = 0; i < n; i++) {
            running += estimation[i];
            cumsum[i] = running;
        }
        int nValues = 0;
        for (int i = 0; i < n; i++) {
            float estimationSum = (float) (n - i - 1) * estimation[i];
            if (estimation[i] / (estimationSum + cumsum[i] + eps) < lim) {
                nValues++;
            }
        }
        float numerator = lim * cumsum[Math.floorMod(nValues - 1, n)] - eps;
        double cutoff = numerator / (1 - limit * (n - nValues)) * valuesSum;
        for (int i = 0; i < n; i++) {
            if (weights[i] > cutoff) {
                weights[i] = (float) cutoff;
            }
        }
        return divide(weights, sum(weights));
    }

    /** {@code normalize_max_weight} on a float64 vector. */
    static double[] normalizeMaxWeight(double[] x, double limit) {
        int n = x.length;
        double[] weights = x.clone();
        double[] values = x.clone();
        Arrays.sort(values);
        if (sum(x) == 0 || n * limit <= 1) {
            double[] uniform = new double[n];
            Arrays.fill(uniform, 1.0 / n);
            return uniform;
        }
        double valuesSum = sum(values);
        double[] estimation = new double[n];
        double max = 0;
        for (int i = 0; i < n; i++) {
            estimation[i] = values[i] / valuesSum;
            max = Math.max(max, estimation[i]);
        }
        if (max <= limit) {
            return divide(weights, sum(weights));
        }
        double[] cumsum = new double[n];
        double running = 0;
        for (int i = 0; i < n; i++) {
            running += estimation[i];
            cumsum[i] = running;
        }
        int nValues = 0;
        for (int i = 0; i < n; i++) {
            double estimationSum = (double) (n - i - 1) * estimation[i];
            if (estimation[i] / (estimationSum + cumsum[i] + EPSILON) < limit) {
                nValues++;
            }
        }
        double cutoff = (limit * cumsum[Math.floorMod(nValues - 1, n)] - EPSILON) / (1 - limit * (n - nValues)) * valuesSum;
        for (int i = 0; i < n; i++) {
            if (weights[i] > cutoff) {
                weights[i] = cutoff;
            }
        }
        return divide(weights, sum(weights));
    }

    private static float[] divide(float[] v, float by) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / by;
        }
        return out;
    }

    private static double[] divide(double[] v, double by) {
        double[] out = new double[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] / by;
        }
        return out;
    }

    /** numpy's {@code sum} of a float32 vector: pairwise, with float32 partial sums. */
    static float sum(float[] v) {
        return pairwise(v, 0, v.length);
    }

    private static float pairwise(float[] a, int from, int n) {
        if (n < 8) {
            float s = 0;
            for (int i = 0; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        if (n <= PAIRWISE_BLOCK) {
            float[] r = new float[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            float s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwise(a, from, half) + pairwise(a, from + half, n - half);
    }

    /** numpy's {@code sum} of a float64 vector: pairwise. */
    static double sum(double[] v) {
        return pairwise(v, 0, v.length);
    }

    private static double pairwise(double[] a, int from, int n) {
        if (n < 8) {
            double s = 0;
            for (int i = 0; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        if (n <= PAIRWISE_BLOCK) {
            double[] r = new double[8];
            System.arraycopy(a, from, r, 0, 8);
            int i = 8;
            for (; i < n - n % 8; i += 8) {
                for (int j = 0; j < 8; j++) {
                    r[j] += a[from + i + j];
                }
            }
            double s = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
            for (; i < n; i++) {
                s += a[from + i];
            }
            return s;
        }
        int half = n / 2;
        half -= half % 8;
        return pairwise(a, from, half) + pairwise(a, from + half, n - half);
    }
}
