package io.tensorswarm.protocol.scoring;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Asks whether what is new in a delta descends the loss: the part of the delta outside the exact
 * span of the deltas published in the earlier rounds (its residual {@code r}) must point downhill at the
 * round's base, with {@code g = ∇L} the gradient of the loss on the round's unassigned gradient pages
 * (drawn from the deadline block's hash, so nobody knows them while training).
 *
 * <p>Why: anything published in an earlier round can be replayed, mixed, or replayed with noise
 * added, and such a delta still lowers the loss (training directions persist from round to round).
 * Its residual is then the noise (or the rounding) it added, whose signs owe nothing to {@code g}. The
 * statistic is a z-score against exactly that: {@code z = <r, -g> / sqrt(Σ r_i² g_i²)}, which is about
 * {@code N(0, 1)} for a residual of random signs, however its magnitude is spread over the tensors (so
 * concentrating the noise where the gradient is large buys nothing), and grows like {@code cos(r, -g)
 * sqrt(#parameters)} for real training. The gate is {@link #Z}: on the tiny preset, honest residuals
 * measured z = +22 to +260 and noisy copies, mixes and pure noise -2.3 to +1.6 (docs/scoring.md).
 * The cosine {@code cos(r, -g)} is reported beside it.
 *
 * <p>Cost: one gradient pass per round; per current delta, two reads of each earlier delta (its dot
 * products, then its share of the residual) and one delta-sized residual in memory; the projection
 * itself is on an {@code m x m} Gram matrix of the {@code m} earlier deltas ({@code m^2/2} reads).
 * Stateless.
 */
public final class ProgressCheck {
    /**
     * Unassigned pages the gradient is taken on. The gradient of a few dozen pages depends on their
     * genre: with 48 random Brown pages an honest residual's z went negative in about 1 draw in 20.
     */
    public static final int GRADIENT_PAGES = 192;
    /**
     * Tokens of each gradient page the gradient is taken on: its first 129 (128 predictions), all of a
     * tiny-preset page. Page count, not page length, is what the genre spread needs; a 1024-token
     * GPT-2 page would make the same 192-page gradient cost 8x (about 40 minutes per scorer per round
     * on a 2-core CPU) for a direction that honest training descends just as surely.
     */
    public static final int GRADIENT_WINDOW = 129;
    /** The least z-score of the residual's descent (standard deviations of a residual of random signs). */
    public static final double Z = 5;
    /** A residual with less than this share of the delta's squared norm is treated as empty. */
    static final double EMPTY_RESIDUAL = 1e-6;

    /**
     * One delta's measurement.
     *
     * @param novelty the share of its squared norm outside the earlier deltas' span (exact)
     * @param cosine {@code cos(r, -g)}; 0 for an empty residual
     * @param z {@code <r, -g> / sqrt(Σ r_i² g_i²)}; 0 for an empty residual
     * @param newShare the share of the delta's first-order descent that its residual brings, {@code
     *     <r, -g> / <δ, -g>} clipped to [0, 1] (1 when the delta does not descend at all, so that the
     *     loss evaluation alone decides): what a score is multiplied by, so that the part of a delta
     *     copied from earlier rounds earns nothing even when a little real training rides along
     */
    public record Measure(double novelty, double cosine, double z, double newShare) {}

    private ProgressCheck() {}

    /** Returns the pages the gradient is taken on: each page cut to its first {@link #GRADIENT_WINDOW} tokens. */
    public static List<int[]> gradientWindow(List<int[]> pages) {
        List<int[]> out = new ArrayList<>(pages.size());
        for (int[] p : pages) {
            out.add(p.length <= GRADIENT_WINDOW ? p : java.util.Arrays.copyOf(p, GRADIENT_WINDOW));
        }
        return out;
    }

    /** Returns the rejection for {@code m}, if it fails the gate. */
    public static Optional<Rejection> judge(Measure m, int earlierCount) {
        if (m.z() >= Z) {
            return Optional.empty();
        }
        return Optional.of(new Rejection(Rejection.Reason.NO_PROGRESS, String.format(Locale.ROOT,
                "what is new in it (%.1f%% of it, outside the span of %d earlier-round deltas) does not descend the"
                        + " loss: z %.2f (cosine %.4f) with the descent direction, under %.0f",
                100 * m.novelty(), earlierCount, m.z(), m.cosine(), Z)));
    }

    /**
     * Measures each of {@code current} against the span of {@code earlier} and the gradient.
     *
     * @param gradient {@code ∇L} at the round's base, with the base's tensor names
     * @param earlier loaders of the earlier rounds' kept deltas (each called a few times)
     * @param current loaders of this round's deltas (each called once)
     * @return one measure per current delta, in order
     */
    public static List<Measure> measure(ParameterSet gradient, List<Supplier<ParameterSet>> earlier,
            List<Supplier<ParameterSet>> current) {
        int m = earlier.size();
        double[][] gram = new double[m][m];
        for (int i = 0; i < m; i++) {
            ParameterSet ei = earlier.get(i).get();
            gram[i][i] = Deltas.dot(ei, ei);
            for (int j = 0; j < i; j++) {
                gram[i][j] = Deltas.dot(ei, earlier.get(j).get());
                gram[j][i] = gram[i][j];
            }
        }
        double[][] basis = orthonormalise(gram);
        double gNorm = Math.sqrt(Deltas.dot(gradient, gradient));
        List<Measure> out = new ArrayList<>();
        for (Supplier<ParameterSet> loader : current) {
            ParameterSet d = loader.get();
            double dd = Deltas.dot(d, d);
            double dg = Deltas.dot(d, gradient);
            double[] b = new double[m];
            for (int i = 0; i < m; i++) {
                b[i] = Deltas.dot(earlier.get(i).get(), d);
            }
            // The least-squares coefficients over the earlier deltas: w = Σ_k <q_k, d> q_k.
            double[] w = new double[m];
            for (double[] q : basis) {
                double qd = combine(q, b);
                for (int i = 0; i < m; i++) {
                    w[i] += qd * q[i];
                }
            }
            Map<String, float[]> residual = new LinkedHashMap<>();
            for (NamedTensor t : d) {
                residual.put(t.name(), t.toFloats());
            }
            for (int i = 0; i < m; i++) {
                if (w[i] == 0) {
                    continue;
                }
                float scale = (float) -w[i];
                for (NamedTensor t : earlier.get(i).get()) {
                    float[] r = residual.get(t.name());
                    float[] e = t.toFloats();
                    for (int k = 0; k < r.length; k++) {
                        r[k] += scale * e[k];
                    }
                }
            }
            double rr = 0;
            double rg = 0;
            double rrgg = 0;
            for (NamedTensor t : gradient) {
                float[] g = t.toFloats();
                float[] r = residual.get(t.name());
                for (int k = 0; k < r.length; k++) {
                    double rk = r[k];
                    double gk = g[k];
                    rr += rk * rk;
                    rg += rk * gk;
                    rrgg += rk * rk * gk * gk;
                }
            }
            double share = dg >= 0 ? 1 : Math.max(0, Math.min(1, rg / dg));
            if (dd == 0 || rr <= EMPTY_RESIDUAL * dd || gNorm == 0 || rrgg == 0) {
                out.add(new Measure(dd == 0 ? 0 : rr / dd, 0, 0, 0));
            } else {
                out.add(new Measure(rr / dd, -rg / (Math.sqrt(rr) * gNorm), -rg / Math.sqrt(rrgg), share));
            }
        }
        return out;
    }

    /**
     * Returns an orthonormal basis of the span of vectors with Gram matrix {@code gram}, each basis
     * vector as its coefficients over the vectors (Gram-Schmidt run twice, in coefficient space);
     * vectors already in the span of the earlier ones are skipped.
     */
    static double[][] orthonormalise(double[][] gram) {
        int m = gram.length;
        List<double[]> basis = new ArrayList<>();
        for (int i = 0; i < m; i++) {
            double[] c = new double[m];
            c[i] = 1;
            for (int pass = 0; pass < 2; pass++) {
                for (double[] q : basis) {
                    double proj = inner(q, c, gram);
                    for (int j = 0; j < m; j++) {
                        c[j] -= proj * q[j];
                    }
                }
            }
            double norm2 = inner(c, c, gram);
            if (norm2 > 1e-10 * gram[i][i] && norm2 > 0) {
                double inv = 1 / Math.sqrt(norm2);
                for (int j = 0; j < m; j++) {
                    c[j] *= inv;
                }
                basis.add(c);
            }
        }
        return basis.toArray(new double[0][]);
    }

    /** {@code <Σ x_i e_i, Σ y_j e_j>}. */
    private static double inner(double[] x, double[] y, double[][] gram) {
        double s = 0;
        for (int i = 0; i < x.length; i++) {
            if (x[i] == 0) {
                continue;
            }
            for (int j = 0; j < y.length; j++) {
                s += x[i] * y[j] * gram[i][j];
            }
        }
        return s;
    }

    /** {@code Σ c_i v_i}. */
    private static double combine(double[] c, double[] v) {
        double s = 0;
        for (int i = 0; i < c.length; i++) {
            s += c[i] * v[i];
        }
        return s;
    }
}
