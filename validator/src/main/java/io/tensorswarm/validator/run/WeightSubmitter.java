package io.tensorswarm.validator.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.cli.WeightSender;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.validator.scoring.WeightVector;
import java.nio.file.Path;
import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a validator's weights on chain through {@code chain-client}'s {@link WeightSender} (the path
 * {@code chain set-weights} and {@code chain reveal} take too) as a daemon ({@link
 * WeightSender.Mode#UNATTENDED}): fitted to the subnet and converted to u16 as the SDK does, sent
 * with the subnet's version key, skipped while the chain would refuse them, or on a commit-reveal
 * subnet committed with the reveal saved first in a {@link PendingRevealStore} (the file {@code chain
 * reveal --state.dir} also reads) until {@link #revealDue} gets it accepted. This class adds the
 * round to the log lines and the text of the round file. Not thread-safe.
 */
public final class WeightSubmitter {
    private static final Logger log = LoggerFactory.getLogger(WeightSubmitter.class);

    private final int netuid;
    private final Sr25519KeyPair hotkey;
    private final WeightSender sender;

    /** Creates a submitter for {@code hotkey} on {@code netuid}, keeping reveals in {@code pending}. */
    public WeightSubmitter(int netuid, Sr25519KeyPair hotkey, PendingRevealStore pending) {
        this.netuid = netuid;
        this.hotkey = hotkey;
        this.sender = WeightSender.builder().setNetuid(netuid).setHotkey(hotkey).setStore(pending)
                .setMode(WeightSender.Mode.UNATTENDED).build();
    }

    /** Returns the store of this validator's pending reveals. */
    public PendingRevealStore pending() {
        return sender.store();
    }

    /** Returns what {@link #submit} did: {@link #text()} goes to the round file. */
    public record Outcome(String text, boolean sent) {}

    /**
     * Sets (or commits) {@code weights} for {@code round} and returns what happened: {@code set},
     * {@code committed} (both {@link Outcome#sent()}), {@code skipped: <why>} or {@code failed: <chain error>}.
     */
    public Outcome submit(Chain chain, long round, WeightVector weights) {
        WeightSender.Result result = sender.submit(chain, weights.uids(), weights.weights(), WeightSender.Watcher.NONE);
        if (result instanceof WeightSender.Skipped skipped) {
            boolean expected = skipped.why() == WeightSender.SkipReason.LIMIT
                    || skipped.why() == WeightSender.SkipReason.NO_WEIGHTS;
            if (expected) {
                log.info("r={} not sending weights: {}", round, skipped.detail());
            } else {
                log.warn("r={} not sending weights: {}", round, skipped.detail());
            }
        } else if (result instanceof WeightSender.Refused refused) {
            log.warn("r={} the chain refused the weights: {}", round, refused.error().getMessage());
        } else if (result instanceof WeightSender.WeightsSet set) {
            log.info("r={} set weights for uids {}: {} (u16) in block {}", round, Arrays.toString(set.plan().emit().uids()),
                    Arrays.toString(set.plan().emit().weights()), set.receipt().blockNumber());
        } else if (result instanceof WeightSender.Committed committed) {
            log.info("r={} committed the hash {} of weights for uids {} in block {}", round,
                    committed.reveal().commitHash(), Arrays.toString(committed.plan().emit().uids()),
                    committed.receipt().blockNumber());
        }
        return new Outcome(result.text(), result.sent());
    }

    /**
     * Tries every pending reveal of this hotkey on this subnet and chain whose expected window has
     * begun: an accepted one is removed; one the chain calls too early stays; one it refuses for
     * any other reason ({@code ExpiredWeightCommit}, {@code NoWeightsCommitFound}, hash mismatch) is
     * dropped, since it can never be accepted (or would be refused again at every poll).
     *
     * @return how many reveals the chain accepted
     */
    public int revealDue(Chain chain) {
        int revealed = 0;
        for (WeightSender.RevealOutcome outcome : sender.revealDue(chain, WeightSender.Watcher.NONE)) {
            if (outcome instanceof WeightSender.Revealed r) {
                revealed++;
                // The daemon's wording since issue 4 (operators grep for it; docs/validator.md shows it).
                log.info("revealed the weights committed in block {} ({}) in block {}", r.reveal().commitBlock(),
                        r.reveal().commitHash(), r.receipt().blockNumber());
            } else if (outcome instanceof WeightSender.NotDue) {
                log.debug("{}", outcome.text());
            } else if (outcome instanceof WeightSender.TooEarly) {
                log.info("{}", outcome.text());
            } else {
                log.warn("{}", outcome.text());
            }
        }
        return revealed;
    }

    /**
     * Moves the reveals of the validator's earlier pending-reveal file ({@code
     * <state.dir>/pending-reveals.json}) into this submitter's store and deletes the file; returns
     * how many were moved (0 when there is none).
     */
    public int migrateLegacyReveals(Chain chain, Path stateDir) {
        return LegacyPendingReveals.migrate(stateDir.resolve(LegacyPendingReveals.FILE), pending(), chain, netuid,
                hotkey.ss58Address());
    }
}
