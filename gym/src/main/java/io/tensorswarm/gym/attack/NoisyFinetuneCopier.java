package io.tensorswarm.gym.attack;

import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The two cheap evasions together: the freshest readable delta, a few steps of its own training on
 * top (so that what is new in it descends the loss), then Gaussian noise ({@code --noisy.cosine} to
 * the fine-tuned delta, so that enough of it is new to clear the replay screen's novelty gate).
 */
final class NoisyFinetuneCopier implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        List<PeerDelta> source = Sources.freshest(ctx, 1, 1);
        if (source.isEmpty()) {
            return RoundAction.skipped("nothing readable to start from");
        }
        PeerDelta d = source.get(0);
        int steps = ctx.settings().train().finetuneSteps();
        ParameterSet tuned = ctx.trainer().train(ctx.base().dir(), Optional.of(d.delta()), ctx.round(),
                ctx.self().ss58(), steps);
        ParameterSet noisy = DeltaRecipes.noisyCopy(tuned, ctx.settings().noisyCosine(), ctx.random());
        String summary = String.format(Locale.ROOT, "fine-tuned %s for %d steps, then noise (cosine %.3f)", d.label(),
                steps, Deltas.cosine(noisy, tuned));
        return new RoundAction(summary, ctx.publish(DeltaRecipes.labelled(noisy, ctx.base().revision()),
                UploadMode.AFTER_DEADLINE));
    }
}
