package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import io.tensorswarm.chain.wallet.Wallet;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chain reveal}: reveals the hotkey's pending weight commits on the subnet whose window has
 * come. Commits not due yet are kept; commits the chain can never accept (expired, unknown, hash
 * mismatch) are dropped and the command exits 1 naming the error.
 */
@Command(
        name = "reveal",
        mixinStandardHelpOptions = true,
        description = "Reveal the hotkey's pending weight commits on the subnet that are due (see set-weights).")
final class RevealCommand extends ChainSubcommand {
    /** Errors after which a commit can never be revealed. */
    private static final Set<String> HOPELESS = Set.of("ExpiredWeightCommit", "NoWeightsCommitFound",
            "InvalidRevealCommitHashNotMatch", "InvalidRevealCommitTempo");

    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--state.dir", paramLabel = "<dir>",
            description = "Folder of the pending-reveal file (default: <wallet dir>/tensorswarm).")
    Path stateDir;

    @Override
    void run(Chain chain) {
        requireSubnet(chain, netuid);
        Wallet wallet = parent.wallet(walletOptions);
        Sr25519KeyPair hotkey = wallet.hotkey();
        PendingRevealStore store = PendingRevealStore.open(stateDir, wallet.paths(), hotkey.ss58Address());
        String chainId = chainId(chain);
        List<PendingReveal> mine = store.load().stream()
                .filter(r -> r.netuid() == netuid && r.chain().equals(chainId) && r.hotkey().equals(hotkey.ss58Address()))
                .toList();
        if (mine.isEmpty()) {
            out().println("no pending reveals for " + hotkey.ss58Address() + " on subnet " + netuid);
            return;
        }
        DispatchException failure = null;
        for (PendingReveal r : mine) {
            long now = chain.currentBlock();
            if (now < r.revealFromBlock()) {
                out().println("not yet: the commit of block " + r.commitBlock() + " can be revealed from block "
                        + r.revealFromBlock() + " (now " + now + ")");
                continue;
            }
            try {
                TxOutput.fee(out(), chain,
                        md -> SubtensorCalls.revealWeights(md, netuid, r.uids(), r.values(), r.salt(), r.versionKey()),
                        hotkey);
                TxOutput.receipt(out(), "revealed the commit of block " + r.commitBlock(),
                        chain.revealWeights(netuid, hotkey, r.uids(), r.values(), r.salt(), r.versionKey()));
                store.remove(r);
            } catch (DispatchException e) {
                if (e.errorName().equals("RevealTooEarly")) {
                    out().println("not yet: the chain says " + e.getMessage());
                } else if (HOPELESS.contains(e.errorName())) {
                    store.remove(r);
                    out().println("dropped the commit of block " + r.commitBlock() + ": " + e.getMessage());
                    failure = failure == null ? e : failure;
                } else {
                    failure = failure == null ? e : failure;
                }
            }
        }
        out().flush();
        if (failure != null) {
            throw failure;
        }
    }

    /** Returns the chain's identity stored with each pending reveal: its genesis hash as 0x-hex. */
    static String chainId(Chain chain) {
        byte[] genesis = chain instanceof SubtensorClient node ? node.genesisHash() : chain.blockHash(0);
        return "0x" + HexFormat.of().formatHex(genesis);
    }
}
