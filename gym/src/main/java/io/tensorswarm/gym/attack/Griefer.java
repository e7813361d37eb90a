package io.tensorswarm.gym.attack;

import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.gym.net.PeerDelta;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The same-block griefer: watches the chain for an honest miner's commitment of the round and
 * commits the very same bytes under its own hotkey ({@code miner chain commit --data-hex}), as fast
 * as it can; once the honest miner has uploaded, it uploads a copy of that delta under its own key
 * with a manifest signed by itself. Where same-block twins are all rejected and a commitment named
 * only the delta's hash, this cost the honest miner its round.
 */
final class Griefer implements Adversary {
    private static final Logger log = LoggerFactory.getLogger(Griefer.class);

    @Override
    public RoundAction play(RoundContext ctx) throws InterruptedException {
        long r = ctx.round();
        long deadline = ctx.clock().deadlineBlock(r);
        Optional<Commitment> victim = Optional.empty();
        while (victim.isEmpty() && ctx.block() < deadline - 1) {
            victim = ctx.peers().commitments().stream().filter(c -> isOfRound(c, ctx)).findFirst();
            if (victim.isEmpty()) {
                ctx.sleep(Math.min(250, ctx.settings().poll().toMillis()));
            }
        }
        if (victim.isEmpty()) {
            return RoundAction.skipped("no commitment of this round to copy");
        }
        Commitment c = victim.get();
        OptionalLong block = ctx.publisher().commitRaw(ctx.self(), c.data());
        if (block.isEmpty()) {
            return RoundAction.skipped("could not re-commit the bytes of " + c.hotkey().substring(0, 8) + "…");
        }
        String committed = "re-committed the bytes of " + c.hotkey().substring(0, 8) + "… (its block " + c.block()
                + ") in block " + block.getAsLong();
        log.info("r={} {}", r, committed);
        return new RoundAction(committed + "; " + uploadCopy(ctx, c.hotkey()), List.of());
    }

    private static boolean isOfRound(Commitment c, RoundContext ctx) {
        long r = ctx.round();
        try {
            return CommitmentPayload.parse(c.data()).round() == r && c.block() >= ctx.clock().startBlock(r)
                    && ctx.clock().isBeforeDeadline(r, c.block());
        } catch (TensorswarmException | IllegalArgumentException e) {
            return false;
        }
    }

    /** Once the victim's delta is readable, puts a copy and a self-signed manifest into the own store. */
    private static String uploadCopy(RoundContext ctx, String victim) throws InterruptedException {
        long r = ctx.round();
        ctx.waitForBlock(ctx.clock().uploadOpenBlock(r));
        long giveUp = ctx.clock().readableBlock(r) + ctx.clock().roundBlocks() / 2;
        while (ctx.block() < giveUp) {
            Optional<byte[]> manifestBytes = ctx.peers().manifest(victim, r);
            Optional<PeerDelta> delta = manifestBytes.isPresent() ? ctx.peers().read(victim, r, ctx.base().weights())
                    : Optional.empty();
            if (delta.isPresent()) {
                try {
                    DeltaManifest theirs = DeltaManifest.parse(manifestBytes.get());
                    PeerDelta d = delta.get();
                    HandPublication.upload(ctx, d.file(), d.sha256(), theirs.baseRevision(), theirs.codec(), ctx.block());
                    return "uploaded a copy of its delta in block " + ctx.block();
                } catch (IOException | TensorswarmException e) {
                    return "could not upload the copy: " + e.getMessage();
                }
            }
            ctx.pause();
        }
        return "its delta never became readable";
    }
}
