package io.tensorswarm.gym.attack;

import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.Optional;

/**
 * A delta of an earlier round ({@code --replay.age} rounds back, or the oldest it finds), unchanged
 * but re-labelled for this round and this round's base: work done once, submitted again.
 */
final class Replayer implements Adversary {
    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        Optional<PeerDelta> old = Sources.aged(ctx, ctx.settings().replayAge());
        if (old.isEmpty()) {
            return RoundAction.skipped("no earlier delta to replay");
        }
        return new RoundAction("replayed " + old.get().label() + " as round " + ctx.round(), ctx.publish(
                DeltaRecipes.labelled(old.get().delta(), ctx.base().revision()), UploadMode.AFTER_DEADLINE));
    }
}
