package io.tensorswarm.chain;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import java.util.List;
import java.util.Optional;

/**
 * What the daemons need from a Bittensor chain: the block clock, a subnet's metagraph,
 * hyperparameters and commitments, and the extrinsics a miner or validator sends.
 *
 * <p>Two implementations: the real subtensor client over JSON-RPC, and the embedded local chain for
 * single-machine runs and tests, which keeps the rules that matter to us (registration, validator
 * permits, weight rate limit and version key, commitments with block numbers, incentive).
 * Implementations must be safe for concurrent use.
 *
 * <p>Extrinsic methods block until the extrinsic is in a block and return its receipt; a dispatch
 * failure is a {@link DispatchException} naming the runtime error (for example
 * {@code SubtensorModule.SettingWeightsTooFast}). Transport failures are {@link ChainException}s
 * with {@link ChainException#retryable()} set.
 *
 * <pre>{@code
 * try (Chain chain = Chains.connect(settings)) {
 *     Metagraph mg = chain.metagraph(netuid);
 *     chain.setWeights(netuid, hotkey, uids, weights, hp.weightsVersionKey());
 * }
 * }</pre>
 */
public interface Chain extends AutoCloseable {

    /** Returns the number of the best (latest) block. */
    long currentBlock();

    /** Returns the 32-byte hash of block {@code number}. */
    byte[] blockHash(long number);

    /** Returns the subnet's hyperparameters at the best block. */
    SubnetHyperparameters hyperparameters(int netuid);

    /** Returns the subnet's metagraph at the best block. */
    Metagraph metagraph(int netuid);

    /** Returns every commitment on the subnet, one per hotkey, with the block it was set in. */
    List<Commitment> commitments(int netuid);

    /**
     * Returns every commitment on the subnet as the chain's state held it right after block {@code
     * block} was applied (read by that block's hash), one per hotkey, with the block it was set in.
     * Every reader of the same block gets the same list, however late it reads; a commitment set
     * after {@code block} does not hide the one it replaced.
     *
     * @throws ChainException when the block is not produced yet, or its state is no longer kept (a
     *     pruned node)
     */
    List<Commitment> commitmentsAt(int netuid, long block);

    /**
     * Returns the highest block the chain has finalized (on chains without finality, the best block).
     * State at or below it never changes.
     */
    default long finalizedBlock() {
        return currentBlock();
    }

    /** Returns the commitment of one hotkey on the subnet, if any. */
    Optional<Commitment> commitment(int netuid, String hotkeySs58);

    /** Registers {@code hotkeySs58} on the subnet by burning TAO from {@code coldkey}'s balance. */
    TxReceipt burnedRegister(int netuid, Sr25519KeyPair coldkey, String hotkeySs58);

    /** Announces the hotkey's axon (ip, port, protocol) on the subnet. */
    TxReceipt serveAxon(int netuid, Sr25519KeyPair hotkey, AxonInfo axon);

    /**
     * Sets weights directly ({@code SubtensorModule.set_weights}); {@code weights} are u16 values as
     * produced by {@code WeightConversion.convertWeightsAndUidsForEmit}.
     */
    TxReceipt setWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, long versionKey);

    /** Commits the hash of weights to reveal later ({@code commit_weights}). */
    TxReceipt commitWeights(int netuid, Sr25519KeyPair hotkey, byte[] commitHash);

    /** Reveals weights committed earlier ({@code reveal_weights}). */
    TxReceipt revealWeights(int netuid, Sr25519KeyPair hotkey, int[] uids, int[] weights, int[] salt, long versionKey);

    /** Sets the hotkey's commitment on the subnet ({@code Commitments.set_commitment}, raw bytes). */
    TxReceipt setCommitment(int netuid, Sr25519KeyPair hotkey, byte[] data);

    @Override
    void close();
}
