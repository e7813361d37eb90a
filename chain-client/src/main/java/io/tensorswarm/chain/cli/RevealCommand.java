package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.wallet.Wallet;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chain reveal}: reveals the hotkey's pending weight commits on the subnet whose window has
 * come. Commits not due yet are kept; commits the chain can never accept (expired, unknown, hash
 * mismatch) are dropped and the command exits 1 naming the error; a commit refused for another
 * reason is kept and the command exits 1 too. The revealing is {@link WeightSender}'s, the validator
 * daemon's too.
 */
@Command(
        name = "reveal",
        mixinStandardHelpOptions = true,
        description = "Reveal the hotkey's pending weight commits on the subnet that are due (see set-weights).")
final class RevealCommand extends ChainSubcommand {
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
        WeightSender sender = WeightSender.builder().setNetuid(netuid).setHotkey(hotkey).setStore(store)
                .setMode(WeightSender.Mode.ATTENDED).build();
        WeightSender.Watcher printer = new WeightSender.Watcher() {
            @Override
            public void sending(Function<RuntimeMetadata, EncodedCall> call) {
                TxOutput.fee(out(), chain, call, hotkey);
            }

            @Override
            public void reveal(WeightSender.RevealOutcome outcome) {
                if (outcome instanceof WeightSender.Revealed revealed) {
                    TxOutput.receipt(out(), "revealed the commit of block " + revealed.reveal().commitBlock(),
                            revealed.receipt());
                } else if (!(outcome instanceof WeightSender.RevealRefused refused) || refused.dropped()) {
                    out().println(outcome.text());
                }
            }
        };
        List<WeightSender.RevealOutcome> outcomes = sender.revealDue(chain, printer);
        if (outcomes.isEmpty()) {
            out().println("no pending reveals for " + hotkey.ss58Address() + " on subnet " + netuid);
            return;
        }
        out().flush();
        for (WeightSender.RevealOutcome outcome : outcomes) {
            if (outcome instanceof WeightSender.RevealRefused refused) {
                throw refused.error(); // the first refusal names the exit
            }
        }
    }
}
