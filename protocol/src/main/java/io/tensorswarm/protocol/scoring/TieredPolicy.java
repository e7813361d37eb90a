package io.tensorswarm.protocol.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Returns a round score per miner from the original systems' tiered policy: {@code good} (default
 * 1.0) for a responsive miner whose loss lies within {@code sigmas} (default 2) population standard
 * deviations of the responsive cohort's mean, {@code anomalous} (0.3) for a responsive miner outside
 * that band or with a non-finite loss, and {@code unresponsive} (0.1) otherwise.
 *
 * <p>Mean and deviation are taken over the responsive miners' finite losses. With fewer than two
 * such losses, or no spread at all, every responsive miner with a finite loss is in the band.
 * An option next to {@link Scorer}, not a replacement: its output feeds {@link ScoreBook#update}
 * the same way. Immutable.
 *
 * @param good score inside the band
 * @param anomalous score of a responsive miner outside it
 * @param unresponsive score of a miner that delivered nothing usable
 * @param sigmas half-width of the band in standard deviations
 */
public record TieredPolicy(double good, double anomalous, double unresponsive, double sigmas) {
    public TieredPolicy {
        if (!(good >= anomalous && anomalous >= unresponsive && unresponsive >= 0)) {
            throw new IllegalArgumentException("need good >= anomalous >= unresponsive >= 0");
        }
        if (!(sigmas > 0)) {
            throw new IllegalArgumentException("sigmas must be > 0, got " + sigmas);
        }
    }

    /** Returns the original 1.0 / 0.3 / 0.1 tiers with a 2σ band. */
    public static TieredPolicy defaults() {
        return new TieredPolicy(1.0, 0.3, 0.1, 2.0);
    }

    /** Returns each observed miner's tier score, in the order given. */
    public Map<String, Double> assign(List<MinerObservation> observations) {
        double sum = 0;
        int n = 0;
        for (MinerObservation o : observations) {
            if (o.responsive() && Double.isFinite(o.loss())) {
                sum += o.loss();
                n++;
            }
        }
        double mean = n == 0 ? Double.NaN : sum / n;
        double squares = 0;
        for (MinerObservation o : observations) {
            if (o.responsive() && Double.isFinite(o.loss())) {
                squares += (o.loss() - mean) * (o.loss() - mean);
            }
        }
        double sd = n == 0 ? 0 : Math.sqrt(squares / n);
        Map<String, Double> out = new LinkedHashMap<>();
        for (MinerObservation o : observations) {
            double tier;
            if (!o.responsive()) {
                tier = unresponsive;
            } else if (!Double.isFinite(o.loss())) {
                tier = anomalous;
            } else if (n < 2 || sd == 0 || Math.abs(o.loss() - mean) <= sigmas * sd) {
                tier = good;
            } else {
                tier = anomalous;
            }
            out.put(o.hotkey(), tier);
        }
        return out;
    }
}
