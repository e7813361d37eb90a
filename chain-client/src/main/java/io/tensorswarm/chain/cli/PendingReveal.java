package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import java.util.HexFormat;

/**
 * Returns a hash commit of weights waiting for its reveal: everything {@code reveal_weights} needs,
 * the chain it was sent to ({@code chain} = genesis hash, 0x-hex), the commit's block and the blocks
 * in which the reveal is expected to be accepted. Stored by {@link PendingRevealStore}; the JSON field
 * names are the component names.
 *
 * @param chain the chain's genesis hash, 0x-hex
 * @param netuid the subnet
 * @param hotkey the committing hotkey, SS58
 * @param uids the uids of the weights
 * @param values the u16 weights
 * @param salt the u16 salt of the commit hash
 * @param versionKey the weights version key
 * @param commitBlock the block the commit landed in (or is expected to land in)
 * @param revealFromBlock the first block of the expected reveal window
 * @param revealUntilBlock the last block of the expected reveal window
 * @param commitHash the commit hash, 0x-hex
 */
public record PendingReveal(
        String chain,
        int netuid,
        String hotkey,
        int[] uids,
        int[] values,
        int[] salt,
        long versionKey,
        long commitBlock,
        long revealFromBlock,
        long revealUntilBlock,
        String commitHash) {

    /**
     * Returns the pending reveal of a commit in {@code commitBlock} on {@code chain}, with the chain's
     * identity and the reveal window that {@code hp} gives.
     */
    public static PendingReveal of(Chain chain, SubnetHyperparameters hp, String hotkey, int[] uids, int[] values,
            int[] salt, long versionKey, long commitBlock, String commitHash) {
        RevealWindow window = RevealWindow.of(chain, hp, commitBlock);
        return new PendingReveal(chainIdOf(chain), hp.netuid(), hotkey, uids, values, salt, versionKey,
                commitBlock, window.fromBlock(), window.untilBlock(), commitHash);
    }

    /** Returns the identity stored in {@link #chain()} for {@code chain}: its genesis hash, 0x-hex. */
    public static String chainIdOf(Chain chain) {
        byte[] genesis = chain instanceof SubtensorClient node ? node.genesisHash() : chain.blockHash(0);
        return "0x" + HexFormat.of().formatHex(genesis);
    }

    /** Returns whether this reveal belongs to {@code hotkey} on subnet {@code netuid} of the chain {@code chainId}. */
    public boolean isFor(String chainId, int netuid, String hotkey) {
        return this.netuid == netuid && this.chain.equals(chainId) && this.hotkey.equals(hotkey);
    }
}
