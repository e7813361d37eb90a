package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.LoggingMixin;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wallet sign}: signs raw message bytes with the hotkey or the coldkey (sr25519). */
@Command(
        name = "sign",
        mixinStandardHelpOptions = true,
        description = "Sign a hex message; prints the 64-byte sr25519 signature as 0x-hex.")
final class SignCommand implements Runnable {
    /** Which key signs. */
    enum Key { HOTKEY, COLDKEY }

    @ParentCommand WalletCommand parent;
    @Spec CommandSpec spec;
    @Mixin WalletOptions wallet;
    @Mixin LoggingMixin logging;

    @Option(names = "--hex", required = true, paramLabel = "<msg>", description = "Message bytes as hex (0x optional).")
    String messageHex;

    @Option(names = "--key", defaultValue = "hotkey", paramLabel = "hotkey|coldkey",
            description = "Key that signs (default: ${DEFAULT-VALUE}; the coldkey needs its password).")
    Key key;

    @Override
    public void run() {
        logging.apply();
        byte[] message = HexArgument.parse("--hex", messageHex);
        Wallet w = parent.existing(wallet.paths());
        Sr25519KeyPair pair = key == Key.COLDKEY ? w.unlockColdkey(parent.unlockPassword()) : w.hotkey();
        spec.commandLine().getOut().println("0x" + HexFormat.of().formatHex(pair.sign(message)));
    }
}
