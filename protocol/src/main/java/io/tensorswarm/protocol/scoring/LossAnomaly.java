package io.tensorswarm.protocol.scoring;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Flags statistical outliers among a round's losses (reported by miners, or measured by the
 * validator), for logs and for {@link TieredPolicy}-style decisions.
 *
 * <ul>
 *   <li>{@link Method#Z_SCORE}: {@code |x - mean| / sd}, population standard deviation;
 *   <li>{@link Method#MAD}: the robust modified z-score {@code |x - median| / (1.4826 * MAD)},
 *       where MAD is the median absolute deviation from the median. One wild value cannot hide
 *       itself by inflating the spread, which it can with z-scores in small cohorts.
 * </ul>
 *
 * A value is flagged when its statistic is strictly above {@code threshold}, or when it is not
 * finite. With fewer than {@code minCohort} finite values nothing finite is flagged. When the
 * spread is zero, every value that differs from the centre is flagged (its statistic is
 * infinite). Immutable.
 *
 * @param method which statistic
 * @param threshold flag above this (commonly 3 for z-scores, 3.5 for MAD)
 * @param minCohort the fewest finite values for which flags are raised; &ge; 3
 */
public record LossAnomaly(Method method, double threshold, int minCohort) {
    /** The outlier statistic. */
    public enum Method {
        Z_SCORE,
        MAD
    }

    /** Scale that makes the MAD a consistent estimate of a normal distribution's sigma. */
    public static final double MAD_SCALE = 1.4826;

    /**
     * Returns one miner's flag.
     *
     * @param hotkey the miner
     * @param loss the loss looked at
     * @param statistic its z-score or modified z-score (infinite for a non-finite loss or a zero
     *     spread)
     */
    public record Flag(String hotkey, double loss, double statistic) {}

    public LossAnomaly {
        Objects.requireNonNull(method, "method");
        if (!(threshold > 0)) {
            throw new IllegalArgumentException("threshold must be > 0, got " + threshold);
        }
        if (minCohort < 3) {
            throw new IllegalArgumentException("minCohort must be >= 3, got " + minCohort);
        }
    }

    /** Returns a MAD detector with threshold 3.5 over cohorts of at least 3. */
    public static LossAnomaly mad() {
        return new LossAnomaly(Method.MAD, 3.5, 3);
    }

    /** Returns a z-score detector with threshold 3 over cohorts of at least 3. */
    public static LossAnomaly zScore() {
        return new LossAnomaly(Method.Z_SCORE, 3.0, 3);
    }

    /** Returns the flagged miners, in the map's iteration order. */
    public List<Flag> flag(Map<String, Double> losses) {
        double[] finite = losses.values().stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
        List<Flag> flags = new ArrayList<>();
        double center;
        double spread;
        if (method == Method.Z_SCORE) {
            center = Arrays.stream(finite).sum() / finite.length;
            double sq = 0;
            for (double x : finite) {
                sq += (x - center) * (x - center);
            }
            spread = Math.sqrt(sq / finite.length);
        } else {
            center = median(finite);
            double[] deviations = Arrays.stream(finite).map(x -> Math.abs(x - center)).toArray();
            spread = MAD_SCALE * median(deviations);
        }
        for (Map.Entry<String, Double> e : losses.entrySet()) {
            double x = e.getValue();
            if (!Double.isFinite(x)) {
                flags.add(new Flag(e.getKey(), x, Double.POSITIVE_INFINITY));
                continue;
            }
            if (finite.length < minCohort) {
                continue;
            }
            double deviation = Math.abs(x - center);
            double statistic = deviation == 0 ? 0 : spread == 0 ? Double.POSITIVE_INFINITY : deviation / spread;
            if (statistic > threshold) {
                flags.add(new Flag(e.getKey(), x, statistic));
            }
        }
        return flags;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] s = values.clone();
        Arrays.sort(s);
        int n = s.length;
        return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }
}
