package io.tensorswarm.averager.run;

import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * Orders a round's committed miners by the validators' on-chain view: the metagraph's {@code
 * incentive} (the Yuma consensus of every validator's weights, stake-weighted and clipped), highest
 * first, ties broken by hotkey so that every averager picks the same order.
 *
 * <p>Incentive is the most robust signal the chain exposes: one validator's raw weights can be
 * wrong or dishonest, while consensus incentive already discounts outliers. It lags by one epoch;
 * the merge's own loss gate ({@code Merger}) and learned mixing weights absorb a stale or empty
 * ranking (a fresh subnet where every incentive is 0 simply orders by hotkey). Hotkeys that are not
 * registered in the metagraph are dropped.
 */
public final class MinerRanking {
    private MinerRanking() {}

    /** Returns one ranked candidate. */
    public record Ranked(String hotkey, int uid, double incentive) {}

    /** Returns {@code hotkeys} that are registered, best first. */
    public static List<Ranked> rank(Metagraph metagraph, Collection<String> hotkeys) {
        List<Ranked> out = new ArrayList<>();
        for (String hotkey : hotkeys) {
            Optional<Neuron> n = metagraph.byHotkey(hotkey);
            n.ifPresent(neuron -> out.add(new Ranked(hotkey, neuron.uid(), neuron.incentive())));
        }
        out.sort(Comparator.comparingDouble(Ranked::incentive).reversed().thenComparing(Ranked::hotkey));
        return out;
    }
}
