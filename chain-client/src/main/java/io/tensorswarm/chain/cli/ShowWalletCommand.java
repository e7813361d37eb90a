package io.tensorswarm.chain.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.LoggingMixin;
import java.io.PrintWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wallet show}: prints the coldkey and hotkey addresses; needs no password. */
@Command(
        name = "show",
        mixinStandardHelpOptions = true,
        description = "Print the coldkey and hotkey SS58 addresses (no password needed).")
final class ShowWalletCommand implements Runnable {
    @ParentCommand WalletCommand parent;
    @Spec CommandSpec spec;
    @Mixin WalletOptions wallet;
    @Mixin LoggingMixin logging;

    @Option(names = "--json", description = "Print {\"coldkey\": ss58, \"hotkey\": ss58}.")
    boolean json;

    @Override
    public void run() {
        logging.apply();
        Wallet w = parent.existing(wallet.paths());
        String cold = w.coldkeyPub().toString();
        String hot = w.hotkeyPub().toString();
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            ObjectNode node = new ObjectMapper().createObjectNode().put("coldkey", cold).put("hotkey", hot);
            out.println(node.toString());
        } else {
            out.println("coldkey: " + cold);
            out.println("hotkey:  " + hot);
        }
        out.flush();
    }
}
