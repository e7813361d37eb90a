package io.tensorswarm.gym.attack;

import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.gym.Identity;
import io.tensorswarm.gym.delta.DeltaRecipes;
import io.tensorswarm.gym.net.PeerDelta;
import io.tensorswarm.gym.net.PublishResult;
import io.tensorswarm.gym.net.UploadMode;
import java.util.List;
import java.util.Optional;

/**
 * Two registered hotkeys of one operator commit the same (copied) delta in one block: where twins in
 * a block are all treated alike, neither can be told to be the copy. To hit one block it prepares
 * in the previous round's upload window (when that round's deltas appear) and starts both {@code
 * miner publish} runs before the round starts; they wait for its first block and commit together.
 */
final class Sybil implements Adversary {
    @Override
    public long playFrom(RoundClock clock, long round) {
        return round == 0 ? 0 : Math.min(clock.startBlock(round), clock.deadlineBlock(round - 1) + 2);
    }

    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        long r = ctx.round();
        while (ctx.block() < ctx.clock().startBlock(r) && ctx.peers().readable(r - 1).isEmpty()) {
            ctx.pause();
        }
        List<PeerDelta> source = ctx.peers().newestPerPeer(r - 1, r - Sources.LOOKBACK, 1, ctx.base().weights());
        if (source.isEmpty()) {
            return RoundAction.skipped("nothing readable to copy");
        }
        Identity twin = ctx.twin().orElseThrow();
        List<PublishResult> results = ctx.publish(DeltaRecipes.labelled(source.get(0).delta(), ctx.base().revision()),
                UploadMode.AFTER_DEADLINE, List.of(ctx.self(), twin));
        List<Optional<Long>> blocks = results.stream().map(PublishResult::commitBlock).toList();
        boolean sameBlock = blocks.size() == 2 && blocks.get(0).isPresent() && blocks.get(0).equals(blocks.get(1));
        return new RoundAction("copied " + source.get(0).label() + " under both hotkeys, committed in blocks "
                + blocks.stream().map(b -> b.map(String::valueOf).orElse("?")).toList()
                + (sameBlock ? " (one block)" : " (not one block)"), results);
    }
}
