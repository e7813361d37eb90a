package io.tensorswarm.gym.attack;

import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.BaseModels;
import io.tensorswarm.gym.net.PublishResult;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Optional;

/**
 * A lagging miner: trains honestly on its own assigned pages of the round, but on the base before
 * the round's, and its manifest names that older base, as a miner that missed the new base would.
 * {@code miner publish} always names the round's base, so this one publishes by hand ({@link
 * HandPublication}). Sits a round out while there is only one base.
 */
final class StaleMiner implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        LatestPointer current = ctx.bases().forRound(ctx.round()).orElseThrow();
        Optional<LatestPointer> previous = ctx.bases().before(current);
        if (previous.isEmpty()) {
            return RoundAction.skipped("no base before " + current.revision().substring(0, 12) + " yet");
        }
        BaseModels.Base old = ctx.bases().fetch(previous.get().revision());
        ParameterSet delta = ctx.trainer().train(old.dir(), Optional.empty(), ctx.round(), ctx.self().ss58(),
                ctx.settings().train().steps());
        List<PublishResult> published;
        try {
            published = HandPublication.publish(ctx, DeltaRecipes.labelled(delta, old.revision()), old.revision());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RoundAction("trained on the previous base " + old.revision().substring(0, 12) + " (round "
                + previous.get().round() + ") instead of " + current.revision().substring(0, 12) + "; manifest names it",
                published);
    }
}
