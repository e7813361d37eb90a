package io.tensorswarm.validator.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.calls.WeightConversion;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.validator.scoring.WeightVector;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a validator's weights on chain: converted to u16 as the SDK does, with the subnet's version
 * key, skipped with a log line while the rate limit has not passed; on a subnet with commit-reveal
 * on, commits their hash instead and keeps the reveal in {@link PendingReveals} until
 * {@link #revealDue} gets it accepted. Not thread-safe.
 */
public final class WeightSubmitter {
    private static final Logger log = LoggerFactory.getLogger(WeightSubmitter.class);
    private static final int SALT_LENGTH = 8;

    private final int netuid;
    private final Sr25519KeyPair hotkey;
    private final PendingReveals pending;
    private final SecureRandom random = new SecureRandom();

    /** Creates a submitter for {@code hotkey} on {@code netuid}, keeping reveals in {@code pending}. */
    public WeightSubmitter(int netuid, Sr25519KeyPair hotkey, PendingReveals pending) {
        this.netuid = netuid;
        this.hotkey = hotkey;
        this.pending = pending;
    }

    /**
     * Sets (or commits) {@code weights} for {@code round} and returns what happened: {@code set},
     * {@code committed}, or {@code skipped: <why>}.
     */
    public String submit(Chain chain, long round, WeightVector weights) {
        if (weights.isEmpty()) {
            log.info("no miner has a positive score; not setting weights");
            return "skipped: no positive scores";
        }
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        EmitWeights emit = WeightConversion.convertWeightsAndUidsForEmit(weights.uids(), weights.weights());
        long block = chain.currentBlock();
        Optional<Neuron> self = chain.metagraph(netuid).byHotkey(hotkey.ss58Address());
        if (self.isEmpty()) {
            log.warn("hotkey {} is not registered on subnet {}; not setting weights", hotkey.ss58Address(), netuid);
            return "skipped: not registered";
        }
        long last = self.get().lastUpdate();
        if (!hp.commitRevealEnabled() && last != 0 && block - last < hp.weightsRateLimit()) {
            log.info("weights were set at block {}; the rate limit of {} blocks has not passed at block {}: skipping",
                    last, hp.weightsRateLimit(), block);
            return "skipped: rate limit";
        }
        try {
            if (!hp.commitRevealEnabled()) {
                TxReceipt r = chain.setWeights(netuid, hotkey, emit.uids(), emit.weights(), hp.weightsVersionKey());
                log.info("set weights for uids {}: {} (u16) in block {}", Arrays.toString(emit.uids()),
                        Arrays.toString(emit.weights()), r.blockNumber());
                return "set";
            }
            return commit(chain, round, emit, hp.weightsVersionKey());
        } catch (DispatchException e) {
            log.warn("the chain refused the weights: {}", e.getMessage());
            return "failed: " + e.errorName();
        }
    }

    private String commit(Chain chain, long round, EmitWeights emit, long versionKey) {
        int[] salt = new int[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = random.nextInt(65536);
        }
        byte[] hash = WeightCommitHash.compute(hotkey.publicKey().toBytes(), netuid, emit.uids(), emit.weights(),
                salt, versionKey);
        String hex = "0x" + HexFormat.of().formatHex(hash);
        // Persist first: a crash after the commit must not lose the reveal. A commit that then fails
        // leaves an entry the chain answers with NoWeightsCommitFound, and revealDue drops it.
        PendingReveals.Reveal reveal = new PendingReveals.Reveal(round, chain.currentBlock(), hex, emit.uids(),
                emit.weights(), salt, versionKey);
        pending.add(reveal);
        try {
            TxReceipt r = chain.commitWeights(netuid, hotkey, hash);
            log.info("committed the hash {} of weights for uids {} in block {}", hex, Arrays.toString(emit.uids()),
                    r.blockNumber());
            return "committed";
        } catch (RuntimeException e) {
            pending.remove(hex);
            throw e;
        }
    }

    /**
     * Tries every pending reveal: an accepted or hopeless one ({@code ExpiredWeightCommit},
     * {@code NoWeightsCommitFound}, hash mismatch) is removed, one that is too early stays.
     *
     * @return how many reveals the chain accepted
     */
    public int revealDue(Chain chain) {
        int revealed = 0;
        for (PendingReveals.Reveal p : pending.list()) {
            try {
                TxReceipt r = chain.revealWeights(netuid, hotkey, p.uids(), p.weights(), p.salt(), p.versionKey());
                log.info("revealed the weights of round {} (commit {}) in block {}", p.round(), p.commitHash(),
                        r.blockNumber());
                pending.remove(p.commitHash());
                revealed++;
            } catch (DispatchException e) {
                if ("RevealTooEarly".equals(e.errorName())) {
                    log.info("the reveal of round {} is not due yet", p.round());
                } else {
                    log.warn("dropping the reveal of round {}: {}", p.round(), e.getMessage());
                    pending.remove(p.commitHash());
                }
            }
        }
        return revealed;
    }
}
