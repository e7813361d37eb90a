package io.tensorswarm.gym.attack;

import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.UploadMode;

/** Commits a (noise) delta every round and never uploads it: a place in the round at no cost. */
final class LazyMiner implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        return new RoundAction("committed a placeholder, uploading nothing", ctx.publish(DeltaRecipes.labelled(
                DeltaRecipes.noiseLike(ctx.base().weights(), 1e-3, ctx.random()), ctx.base().revision()),
                UploadMode.NEVER));
    }
}
