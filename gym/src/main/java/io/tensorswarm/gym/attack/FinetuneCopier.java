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
 * The freshest readable delta as a head start, then a few steps ({@code --train.finetune-steps}) of
 * its own training on its own assigned pages: mostly someone else's work, with just enough of its
 * own to look like it trained on its pages. With {@code noisy}, the two cheap evasions together:
 * Gaussian noise ({@code --noisy.cosine} to the fine-tuned delta) is added on top, so that enough of it
 * is new to clear the replay screen's novelty gate while what is new partly descends the loss.
 */
final class FinetuneCopier implements Adversary {
    private final boolean noisy;

    FinetuneCopier(boolean noisy) {
        this.noisy = noisy;
    }

    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        List<PeerDelta> source = Sources.freshest(ctx, 1, 1);
        if (source.isEmpty()) {
            return RoundAction.skipped("nothing readable to start from");
        }
        PeerDelta d = source.get(0);
        int steps = ctx.settings().train().finetuneSteps();
        ParameterSet delta = ctx.trainer().train(ctx.base().dir(), Optional.of(d.delta()), ctx.round(),
                ctx.self().ss58(), steps);
        String summary = "fine-tuned " + d.label() + " for " + steps + " steps on its own pages";
        if (noisy) {
            ParameterSet tuned = delta;
            delta = DeltaRecipes.noisyCopy(tuned, ctx.settings().noisyCosine(), ctx.random());
            summary = String.format(Locale.ROOT, "fine-tuned %s for %d steps, then noise (cosine %.3f)", d.label(),
                    steps, Deltas.cosine(delta, tuned));
        }
        return new RoundAction(summary,
                ctx.publish(DeltaRecipes.labelled(delta, ctx.base().revision()), UploadMode.AFTER_DEADLINE));
    }
}
