package io.tensorswarm.gym.attack;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;
import java.util.Locale;

/**
 * The freshest readable delta plus Gaussian noise at the largest level that still scored in our
 * measurements (cosine ~0.94 to the source, {@code --noisy.cosine}): far enough from the source to
 * pass a cosine-0.95 copy check, close enough to improve the loss.
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
