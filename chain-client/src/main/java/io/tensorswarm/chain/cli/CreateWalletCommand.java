package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.LoggingMixin;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wallet create}: writes a new coldkey and hotkey and prints both mnemonics once. */
@Command(
        name = "create",
        mixinStandardHelpOptions = true,
        description = "Create a new wallet (encrypted coldkey + hotkey); prints both mnemonics once.")
final class CreateWalletCommand implements Runnable {
    @ParentCommand WalletCommand parent;
    @Spec CommandSpec spec;
    @Mixin WalletOptions wallet;
    @Mixin LoggingMixin logging;

    @Override
    public void run() {
        logging.apply();
        Wallet.Created created = Wallet.create(wallet.paths(), parent.newPassword(), parent.cipher());
        PrintWriter out = spec.commandLine().getOut();
        out.println("Created wallet '" + wallet.name + "' in " + created.wallet().paths().walletDir());
        out.println("coldkey: " + created.wallet().coldkeyPub());
        out.println("hotkey:  " + created.wallet().hotkeyPub());
        out.println();
        out.println("WARNING: write these mnemonics down and keep them secret. They are shown only once;");
        out.println("anyone who has them controls the keys, and without them a lost key cannot be restored.");
        out.println("coldkey mnemonic: " + created.coldkeyMnemonic().phrase());
        out.println("hotkey mnemonic:  " + created.hotkeyMnemonic().phrase());
        out.flush();
    }
}
