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
 * the round's (the one it had last round, else the history's previous entry), and its manifest names
 * that older base, as a miner that missed the new base would. {@code miner publish} always names the
 * round's base, so this one publishes by hand ({@link HandPublication}). Sits a round out while it
 * knows no older base.
 */
final class StaleMiner implements Adversary {
    /** The base it saw when it last played. */
    private String lastSeen;
    /** The newest base it saw before the current one (what a miner that missed the new base still has). */
    private String older;

    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        String current = ctx.base().revision();
        if (lastSeen != null && !lastSeen.equals(current)) {
            older = lastSeen;
        }
        lastSeen = current;
        Optional<String> previous = Optional.ofNullable(older).filter(r -> !r.equals(current))
                .or(() -> ctx.bases().forRound(ctx.round()).flatMap(ctx.bases()::before).map(LatestPointer::revision));
        if (previous.isEmpty()) {
            return RoundAction.skipped("no base before " + current.substring(0, 12) + " yet");
        }
        BaseModels.Base old = ctx.bases().fetch(previous.get());
        ParameterSet delta = ctx.trainer().train(old.dir(), Optional.empty(), ctx.round(), ctx.self().ss58(),
                ctx.settings().train().steps());
        List<PublishResult> published;
        try {
            published = HandPublication.publish(ctx, DeltaRecipes.labelled(delta, old.revision()), old.revision());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new RoundAction("trained on the previous base " + old.revision().substring(0, 12) + " instead of "
                + current.substring(0, 12) + "; manifest names it", published);
    }
}
