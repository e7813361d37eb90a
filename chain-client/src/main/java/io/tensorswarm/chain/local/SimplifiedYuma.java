package io.tensorswarm.chain.local;

import java.util.Arrays;
import java.util.Comparator;

/**
 * Computes a subnet's incentive and dividends from validators' stake and weights: a simplified Yuma
 * consensus without bonds history, emission or activity cut-off.
 *
 * <ol>
 *   <li>Each weight row is normalized to sum 1 ({@code W}); the stake of neurons that set weights is
 *       normalized to sum 1 ({@code s}), so stake that casts no weights does not count.
 *   <li>With clipping, each miner's consensus weight {@code c_j} is the stake-weighted median
 *       ({@link #KAPPA}): the largest {@code w} such that validators holding at least half of the
 *       stake gave {@code W_ij >= w}; weights above it are clipped, {@code W'_ij = min(W_ij, c_j)}.
 *   <li>Rank {@code R_j = Σ_i s_i W'_ij}; incentive {@code I = R / ΣR}.
 *   <li>Bonds {@code B_ij = s_i W'_ij / R_j}; dividends {@code D_i = Σ_j B_ij I_j}, normalized to
 *       sum 1.
 * </ol>
 *
 * <p>Clipping makes a lone validator unable to raise a miner above what the stake majority gives it.
 * All-zero inputs give all-zero outputs.
 */
public final class SimplifiedYuma {
    /** The stake fraction that must agree on a weight for it to survive clipping. */
    public static final double KAPPA = 0.5;

    private SimplifiedYuma() {}

    /** Incentive per uid (sums to 1 or 0) and dividends per uid (sums to 1 or 0). */
    public record Result(double[] incentive, double[] dividends) {
        /** Copies the arrays. */
        public Result {
            incentive = incentive.clone();
            dividends = dividends.clone();
        }

        @Override
        public double[] incentive() {
            return incentive.clone();
        }

        @Override
        public double[] dividends() {
            return dividends.clone();
        }
    }

    /**
     * Returns incentive and dividends for {@code n = stake.length} neurons.
     *
     * @param stake each neuron's stake (0 for neurons that do not validate)
     * @param weights {@code weights[i][j]}: weight neuron i gives neuron j, any non-negative scale
     * @param clip whether to clip weights to the stake-weighted median
     * @throws IllegalArgumentException if the matrix is not n × n or holds negative values
     */
    public static Result compute(double[] stake, double[][] weights, boolean clip) {
        int n = stake.length;
        if (weights.length != n) {
            throw new IllegalArgumentException("weights has " + weights.length + " rows for " + n + " neurons");
        }
        double[][] w = new double[n][];
        double[] votingStake = new double[n];
        for (int i = 0; i < n; i++) {
            if (weights[i].length != n) {
                throw new IllegalArgumentException("weights row " + i + " has " + weights[i].length + " entries for " + n + " neurons");
            }
            w[i] = normalized(weights[i], "weights row " + i);
            votingStake[i] = Arrays.stream(w[i]).sum() > 0 ? stake[i] : 0;
        }
        double[] s = normalized(votingStake, "stake");
        if (clip) {
            for (int j = 0; j < n; j++) {
                double consensus = stakeWeightedMedian(s, w, j);
                for (int i = 0; i < n; i++) {
                    w[i][j] = Math.min(w[i][j], consensus);
                }
            }
        }
        double[] rank = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                rank[j] += s[i] * w[i][j];
            }
        }
        double[] incentive = normalized(rank, "rank");
        double[] dividends = new double[n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                if (rank[j] > 0) {
                    dividends[i] += s[i] * w[i][j] / rank[j] * incentive[j];
                }
            }
        }
        return new Result(incentive, normalized(dividends, "dividends"));
    }

    private static double stakeWeightedMedian(double[] s, double[][] w, int j) {
        Integer[] order = new Integer[s.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> w[i][j]).reversed());
        double cumulative = 0;
        for (int i : order) {
            cumulative += s[i];
            if (cumulative >= KAPPA - 1e-12) {
                return w[i][j];
            }
        }
        return 0;
    }

    private static double[] normalized(double[] values, String what) {
        double sum = 0;
        for (double v : values) {
            if (!(v >= 0) || Double.isInfinite(v)) {
                throw new IllegalArgumentException(what + " holds a negative or non-finite value: " + v);
            }
            sum += v;
        }
        double[] out = new double[values.length];
        if (sum > 0) {
            for (int i = 0; i < values.length; i++) {
                out[i] = values[i] / sum;
            }
        }
        return out;
    }
}
