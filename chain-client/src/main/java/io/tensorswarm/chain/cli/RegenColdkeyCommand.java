package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.wallet.WalletException;
import io.tensorswarm.chain.wallet.WalletPaths;
import io.tensorswarm.common.cli.LoggingMixin;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code wallet regen-coldkey}: rewrites the encrypted coldkey from a mnemonic file. */
@Command(
        name = "regen-coldkey",
        mixinStandardHelpOptions = true,
        description = "Restore the coldkey from a mnemonic file (encrypted with a new password).")
final class RegenColdkeyCommand implements Runnable {
    @ParentCommand WalletCommand parent;
    @Spec CommandSpec spec;
    @Mixin WalletOptions wallet;
    @Mixin LoggingMixin logging;

    @Option(names = "--mnemonic-file", required = true, paramLabel = "<file>",
            description = "File holding the 12-24 word phrase.")
    Path mnemonicFile;

    @Option(names = "--overwrite", description = "Replace an existing coldkey.")
    boolean overwrite;

    @Override
    public void run() {
        logging.apply();
        WalletPaths paths = wallet.paths();
        if (!overwrite && Files.exists(paths.coldkeyFile())) {
            throw new WalletException("Coldkey " + paths.coldkeyFile() + " exists; pass --overwrite to replace it");
        }
        Sr25519KeyPair pair = parent.handle(paths).regenColdkey(MnemonicFile.read(mnemonicFile), parent.newPassword());
        spec.commandLine().getOut().println("coldkey: " + pair.ss58Address());
    }
}
