package io.tensorswarm.gym.attack;

import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.Optional;

/**
 * Pure Gaussian noise, tensor by tensor as large as the newest readable honest delta's (so it passes
 * a norm screen), or 1% of the base's norms when nothing is readable yet.
 */
final class NoiseMiner implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        Optional<PeerDelta> like = Sources.newestEarlier(ctx);
        ParameterSet noise = like.isPresent()
                ? DeltaRecipes.noiseLike(like.get().delta(), 1.0, ctx.random())
                : DeltaRecipes.noiseLike(ctx.base().weights(), 0.01, ctx.random());
        String summary = "noise with the norms of " + like.map(PeerDelta::label).orElse("1% of the base");
        return new RoundAction(summary, ctx.publish(DeltaRecipes.labelled(noise, ctx.base().revision()),
                UploadMode.AFTER_DEADLINE));
    }
}
