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

/** {@code wallet regen-hotkey}: rewrites the plaintext hotkey from a mnemonic file. */
@Command(
        name = "regen-hotkey",
        mixinStandardHelpOptions = true,
        description = "Restore the hotkey from a mnemonic file.")
final class RegenHotkeyCommand implements Runnable {
    @ParentCommand WalletCommand parent;
    @Spec CommandSpec spec;
    @Mixin WalletOptions wallet;
    @Mixin LoggingMixin logging;

    @Option(names = "--mnemonic-file", required = true, paramLabel = "<file>",
            description = "File holding the 12-24 word phrase.")
    Path mnemonicFile;

    @Option(names = "--overwrite", description = "Replace an existing hotkey.")
    boolean overwrite;

    @Override
    public void run() {
        logging.apply();
        WalletPaths paths = wallet.paths();
        if (!overwrite && Files.exists(paths.hotkeyFile())) {
            throw new WalletException("Hotkey " + paths.hotkeyFile() + " exists; pass --overwrite to replace it");
        }
        Sr25519KeyPair pair = parent.handle(paths).regenHotkey(MnemonicFile.read(mnemonicFile));
        spec.commandLine().getOut().println("hotkey: " + pair.ss58Address());
    }
}
