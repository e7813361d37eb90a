package io.tensorswarm.gym.attack;

import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;

/**
 * The copier family: the freshest readable delta of another miner times a factor (1: exact copy, 2:
 * scaled copier, 100: the norm bomb, which also aims at the averager's merge), re-labelled with this
 * round's base.
 */
final class Copier implements Adversary {
    private final float factor;
    private final String verb;

    Copier(float factor, String verb) {
        this.factor = factor;
        this.verb = verb;
    }

    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        List<PeerDelta> source = Sources.freshest(ctx, 1, 1);
        if (source.isEmpty()) {
            return RoundAction.skipped("nothing readable to copy");
        }
        PeerDelta d = source.get(0);
        ParameterSet delta = factor == 1f ? d.delta() : DeltaRecipes.scaled(d.delta(), factor);
        return new RoundAction(verb + " " + d.label(),
                ctx.publish(DeltaRecipes.labelled(delta, ctx.base().revision()), UploadMode.AFTER_DEADLINE));
    }
}
