package io.tensorswarm.gym.attack;

import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;

/** The mean of the freshest readable deltas of every miner it can read (at least two). */
final class Mixer implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        List<PeerDelta> sources = Sources.freshest(ctx, 2, Integer.MAX_VALUE);
        if (sources.size() < 2) {
            return RoundAction.skipped("fewer than two readable deltas to mix (" + sources.size() + ")");
        }
        return new RoundAction("mixed " + Sources.labels(sources), ctx.publish(DeltaRecipes.labelled(
                DeltaRecipes.mean(sources.stream().map(PeerDelta::delta).toList()), ctx.base().revision()),
                UploadMode.AFTER_DEADLINE));
    }
}
