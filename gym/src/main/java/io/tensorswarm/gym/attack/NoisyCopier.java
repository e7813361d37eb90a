package io.tensorswarm.gym.attack;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;
import java.util.Locale;

/**
 * The freshest readable delta plus Gaussian noise (cosine 0.80 to the source by default, {@code
 * --noisy.cosine}): the least noise that clears the replay screen's novelty gate with a margin (36% of
 * its squared norm is new, the gate asks 25%), so the most of the copied delta's score an attacker can
 * keep. Less noise is a {@code REPLAY}; more noise only lowers what the copy would score.
 */
final class NoisyCopier implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        List<PeerDelta> source = Sources.freshest(ctx, 1, 1);
        if (source.isEmpty()) {
            return RoundAction.skipped("nothing readable to copy");
        }
        PeerDelta d = source.get(0);
        ParameterSet noisy = DeltaRecipes.noisyCopy(d.delta(), ctx.settings().noisyCosine(), ctx.random());
        String summary = String.format(Locale.ROOT, "noisy copy of %s (cosine %.3f)", d.label(),
                Deltas.cosine(noisy, d.delta()));
        return new RoundAction(summary, ctx.publish(DeltaRecipes.labelled(noisy, ctx.base().revision()),
                UploadMode.AFTER_DEADLINE));
    }
}
