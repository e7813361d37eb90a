package io.tensorswarm.gym.attack;

import io.tensorswarm.gym.net.PeerDelta;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where the copying adversaries get their material, trying hardest first: a delta of the round
 * itself, should some store expose one before the deadline (polled until the last block a publish
 * may start), else the newest deltas of earlier rounds, each miner's newest once.
 */
final class Sources {
    private static final Logger log = LoggerFactory.getLogger(Sources.class);
    /** How many rounds back an adversary looks for material. */
    static final int LOOKBACK = 6;

    private Sources() {}

    /**
     * Returns between {@code min} and {@code max} deltas of different miners, freshest first, or
     * fewer than {@code min} (possibly none) when not that many can be read.
     */
    static List<PeerDelta> freshest(RoundContext ctx, int min, int max) throws InterruptedException {
        long r = ctx.round();
        while (ctx.canWaitLonger()) {
            List<String> exposed = ctx.peers().readable(r);
            if (exposed.size() >= min) {
                List<PeerDelta> same = new ArrayList<>();
                for (String h : exposed.subList(0, Math.min(max, exposed.size()))) {
                    ctx.peers().read(h, r, ctx.base().weights()).ifPresent(same::add);
                }
                if (same.size() >= min) {
                    log.info("r={} found {} delta(s) of this very round before the deadline: {}", r, same.size(), labels(same));
                    return same;
                }
            }
            ctx.pause();
        }
        return ctx.peers().newestPerPeer(r - 1, r - LOOKBACK, max, ctx.base().weights());
    }

    /** Returns the newest delta at least {@code age} rounds old (or, failing that, any older one). */
    static Optional<PeerDelta> aged(RoundContext ctx, int age) {
        long r = ctx.round();
        List<PeerDelta> old = ctx.peers().newestPerPeer(r - age, r - age - LOOKBACK, 1, ctx.base().weights());
        if (old.isEmpty()) {
            old = ctx.peers().newestPerPeer(r - 1, r - LOOKBACK, 1, ctx.base().weights());
        }
        return old.stream().findFirst();
    }

    /** Returns the newest readable delta of an earlier round, without waiting. */
    static Optional<PeerDelta> newestEarlier(RoundContext ctx) {
        long r = ctx.round();
        return ctx.peers().newestPerPeer(r - 1, r - LOOKBACK, 1, ctx.base().weights()).stream().findFirst();
    }

    static String labels(List<PeerDelta> deltas) {
        return deltas.stream().map(PeerDelta::label).collect(Collectors.joining(", "));
    }
}
