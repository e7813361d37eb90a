package io.tensorswarm.validator.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.WeightLimits;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import io.tensorswarm.chain.calls.WeightProcessing;
import io.tensorswarm.chain.cli.PendingReveal;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.validator.scoring.WeightVector;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a validator's weights on chain: fitted to the subnet's {@code MinAllowedWeights} and {@code
 * MaxWeightsLimit} and converted to u16 as the SDK does ({@link WeightProcessing}), with the
 * subnet's version key; skipped with a log line while the chain would refuse them ({@link
 * WeightLimits}: the weights rate limit, which commits obey too, and the cap of unrevealed commits,
 * counted in the pending store). On a subnet with commit-reveal on, it commits their hash instead
 * and keeps the reveal in a {@link PendingRevealStore} (the file {@code chain reveal --state.dir}
 * also reads) until {@link #revealDue} gets it accepted. The reveal is saved before the commit is
 * sent, so a crash at any point leaves it on disk. Not thread-safe.
 */
public final class WeightSubmitter {
    private static final Logger log = LoggerFactory.getLogger(WeightSubmitter.class);
    private static final int SALT_LENGTH = 8;

    private final int netuid;
    private final Sr25519KeyPair hotkey;
    private final PendingRevealStore pending;
    private final SecureRandom random = new SecureRandom();

    /** Creates a submitter for {@code hotkey} on {@code netuid}, keeping reveals in {@code pending}. */
    public WeightSubmitter(int netuid, Sr25519KeyPair hotkey, PendingRevealStore pending) {
        this.netuid = netuid;
        this.hotkey = hotkey;
        this.pending = pending;
    }

    /** Returns the store of this validator's pending reveals. */
    public PendingRevealStore pending() {
        return pending;
    }

    /** Returns what {@link #submit} did: {@link #text()} goes to the round file. */
    public record Outcome(String text, boolean sent) {
        static Outcome sent(String text) {
            return new Outcome(text, true);
        }

        static Outcome notSent(String text) {
            return new Outcome(text, false);
        }
    }

    /**
     * Sets (or commits) {@code weights} for {@code round} and returns what happened: {@code set},
     * {@code committed} (both {@link Outcome#sent()}), {@code skipped: <why>} or {@code failed: <chain error>}.
     */
    public Outcome submit(Chain chain, long round, WeightVector weights) {
        if (weights.isEmpty()) {
            log.info("r={} no miner has a positive score; not setting weights", round);
            return Outcome.notSent("skipped: no positive scores");
        }
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        long block = chain.currentBlock();
        Metagraph metagraph = chain.metagraph(netuid);
        Optional<Neuron> self = metagraph.byHotkey(hotkey.ss58Address());
        if (self.isEmpty()) {
            log.warn("r={} this hotkey is not registered on subnet {}; not setting weights", round, netuid);
            return Outcome.notSent("skipped: not registered");
        }
        // Checked here, not left to the chain: a refused commit would cost a fee and a log line per round.
        long unrevealed = hp.commitRevealEnabled()
                ? pending.unrevealedAt(PendingReveal.chainIdOf(chain), netuid, hotkey.ss58Address(), block) : 0;
        Optional<WeightLimits.Refusal> refusal = WeightLimits.check(hp, self.get().lastUpdate(), block, unrevealed);
        if (refusal.isPresent()) {
            log.info("r={} not sending weights: {}", round, refusal.get().detail());
            return Outcome.notSent("skipped: " + refusal.get().reason());
        }
        EmitWeights emit;
        try {
            emit = WeightProcessing.forEmit(weights.uids(), weights.weights(), metagraph.neurons().size(),
                    hp.minAllowedWeights(), hp.maxWeightLimit());
        } catch (IllegalArgumentException e) {
            log.warn("r={} the weights do not fit the subnet: {}", round, e.getMessage());
            return Outcome.notSent("skipped: " + e.getMessage());
        }
        try {
            if (!hp.commitRevealEnabled()) {
                TxReceipt r = chain.setWeights(netuid, hotkey, emit.uids(), emit.weights(), hp.weightsVersionKey());
                log.info("r={} set weights for uids {}: {} (u16) in block {}", round, Arrays.toString(emit.uids()),
                        Arrays.toString(emit.weights()), r.blockNumber());
                return Outcome.sent("set");
            }
            return commit(chain, hp, round, emit);
        } catch (DispatchException e) {
            log.warn("r={} the chain refused the weights: {}", round, e.getMessage());
            return Outcome.notSent("failed: " + e.errorName());
        }
    }

    private Outcome commit(Chain chain, SubnetHyperparameters hp, long round, EmitWeights emit) {
        int[] salt = new int[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = random.nextInt(65536);
        }
        long versionKey = hp.weightsVersionKey();
        byte[] hash = WeightCommitHash.compute(hotkey.publicKey().toBytes(), netuid, emit.uids(), emit.weights(),
                salt, versionKey);
        String hex = "0x" + HexFormat.of().formatHex(hash);
        // Persist first: a crash after the commit must not lose the reveal. The commit lands in the
        // current block (or soon after; corrected below). A commit that never landed leaves an entry
        // the chain answers with NoWeightsCommitFound, and revealDue drops it.
        PendingReveal expected = PendingReveal.of(chain, hp, hotkey.ss58Address(), emit.uids(), emit.weights(), salt,
                versionKey, chain.currentBlock(), hex);
        pending.add(expected);
        TxReceipt r;
        try {
            r = chain.commitWeights(netuid, hotkey, hash);
        } catch (DispatchException e) {
            pending.remove(expected); // refused: nothing was committed
            throw e;
        }
        if (r.blockNumber() != expected.commitBlock()) {
            pending.replace(PendingReveal.of(chain, hp, hotkey.ss58Address(), emit.uids(), emit.weights(), salt,
                    versionKey, r.blockNumber(), hex));
        }
        log.info("r={} committed the hash {} of weights for uids {} in block {}", round, hex,
                Arrays.toString(emit.uids()), r.blockNumber());
        return Outcome.sent("committed");
    }

    /**
     * Tries every pending reveal of this hotkey on this subnet and chain whose expected window has
     * begun: an accepted one is removed; one the chain calls too early stays; one it refuses for
     * any other reason ({@code ExpiredWeightCommit}, {@code NoWeightsCommitFound}, hash mismatch) is
     * dropped, since it can never be accepted.
     *
     * @return how many reveals the chain accepted
     */
    public int revealDue(Chain chain) {
        String chainId = PendingReveal.chainIdOf(chain);
        int revealed = 0;
        for (PendingReveal p : pending.load()) {
            if (!p.isFor(chainId, netuid, hotkey.ss58Address())) {
                continue;
            }
            long now = chain.currentBlock();
            if (now < p.revealFromBlock()) {
                log.debug("the reveal of the commit of block {} is due from block {} (now {})", p.commitBlock(),
                        p.revealFromBlock(), now);
                continue;
            }
            try {
                TxReceipt r = chain.revealWeights(netuid, hotkey, p.uids(), p.values(), p.salt(), p.versionKey());
                log.info("revealed the weights committed in block {} ({}) in block {}", p.commitBlock(), p.commitHash(),
                        r.blockNumber());
                pending.remove(p);
                revealed++;
            } catch (DispatchException e) {
                if ("RevealTooEarly".equals(e.errorName())) {
                    log.info("the reveal of the commit of block {} is not due yet: {}", p.commitBlock(), e.getMessage());
                } else {
                    log.warn("dropping the reveal of the commit of block {}: {}", p.commitBlock(), e.getMessage());
                    pending.remove(p);
                }
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
        return LegacyPendingReveals.migrate(stateDir.resolve(LegacyPendingReveals.FILE), pending, chain, netuid,
                hotkey.ss58Address());
    }
}
