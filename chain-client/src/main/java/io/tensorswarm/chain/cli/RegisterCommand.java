package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.wallet.Wallet;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chain register}: {@code burned_register} of the wallet's hotkey, signed and paid by its coldkey. */
@Command(
        name = "register",
        mixinStandardHelpOptions = true,
        description = "Register the wallet's hotkey on the subnet by burning TAO (the coldkey signs; its password "
                + "comes from BT_COLDKEY_PASSWORD or a prompt).")
final class RegisterCommand extends ChainSubcommand {
    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Override
    void run(Chain chain) {
        requireSubnet(chain, netuid);
        Wallet wallet = parent.wallet(walletOptions);
        Ss58Address hotkey = wallet.hotkeyPub();
        Sr25519KeyPair coldkey = wallet.unlockColdkey(parent.coldkeyPassword());
        out().println("registering hotkey " + hotkey + " (coldkey " + coldkey.ss58Address() + ") on subnet " + netuid);
        TxOutput.fee(out(), chain, md -> SubtensorCalls.burnedRegister(md, netuid, hotkey.publicKey()), coldkey);
        TxReceipt receipt = chain.burnedRegister(netuid, coldkey, hotkey.toString());
        TxOutput.receipt(out(), "registered", receipt);
        chain.metagraph(netuid).byHotkey(hotkey.toString())
                .ifPresent(n -> out().println("uid: " + n.uid()));
    }
}
