package io.tensorswarm.protocol.scoring;

import io.tensorswarm.common.ops.LogIdentity;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The optional round policies, applied to a round's results after evaluation: {@link TieredPolicy}
 * tiers for evaluated miners (a miner rejected before evaluation, such as a lazy one that uploaded
 * nothing, keeps 0: it is never paid the old 0.1 "unresponsive" tier), and loss outliers ({@link
 * LossAnomaly#mad()}): a flagged miner whose after-delta loss is above the cohort's median made the
 * model worse than its peers did and scores 0; one below the median is only marked.
 */
public final class RoundPolicies {
    private static final Logger log = LoggerFactory.getLogger(RoundPolicies.class);

    private RoundPolicies() {}

    /** Returns {@code results} (in their order) with the policies applied. */
    public static List<MinerResult> apply(long round, List<MinerResult> results, RoundScorer.Policy policy,
            boolean lossAnomaly) {
        List<MinerResult> out = results;
        if (policy == RoundScorer.Policy.TIERED) {
            List<MinerObservation> obs = results.stream().filter(m -> m.reason() == null)
                    .map(m -> new MinerObservation(m.hotkey(), true, m.lossAfter()))
                    .toList();
            Map<String, Double> tiers = TieredPolicy.defaults().assign(obs);
            out = out.stream().map(m -> m.reason() == null ? m.withScore(tiers.getOrDefault(m.hotkey(), 0.0)) : m)
                    .toList();
        }
        if (lossAnomaly) {
            Map<String, Double> losses = new LinkedHashMap<>();
            out.stream().filter(m -> m.reason() == null).forEach(m -> losses.put(m.hotkey(), m.lossAfter()));
            double median = median(losses.values().stream().filter(Double::isFinite).mapToDouble(d -> d).toArray());
            Set<String> flagged = LossAnomaly.mad().flag(losses).stream().map(LossAnomaly.Flag::hotkey)
                    .collect(Collectors.toSet());
            List<MinerResult> marked = new ArrayList<>();
            for (MinerResult m : out) {
                if (!flagged.contains(m.hotkey())) {
                    marked.add(m);
                    continue;
                }
                boolean harmful = !Double.isFinite(m.lossAfter()) || m.lossAfter() > median;
                log.info("r={} miner {}'s loss {} is an outlier{}", round, LogIdentity.shortKey(m.hotkey()),
                        m.lossAfter(), harmful ? " above the median; it scores 0" : " below the median; kept");
                marked.add(harmful ? m.withScore(0).flagged() : m.flagged());
            }
            out = marked;
        }
        return out;
    }

    private static double median(double[] values) {
        if (values.length == 0) {
            return Double.NaN;
        }
        double[] v = values.clone();
        Arrays.sort(v);
        int n = v.length;
        return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
    }
}
