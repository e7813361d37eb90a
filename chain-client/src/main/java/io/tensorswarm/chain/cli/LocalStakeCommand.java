package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code chain local-stake} (embedded chain only): sets a hotkey's stake on a subnet, which decides validator permits. */
@Command(
        name = "local-stake",
        mixinStandardHelpOptions = true,
        description = "Embedded chain only: set a hotkey's stake on a subnet (0 removes it); stake decides validator permits.")
final class LocalStakeCommand implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin ChainOptions chainOptions;
    @Mixin LoggingMixin logging;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--hotkey", required = true, paramLabel = "<ss58>", description = "Hotkey address.")
    String hotkey;

    @Option(names = "--rao", required = true, paramLabel = "<rao>", description = "Stake in rao (1 TAO = 1e9 rao).")
    long rao;

    @Override
    public void run() {
        logging.apply();
        Path dir = parent.localDirectory(chainOptions, "local-stake");
        String address = Ss58Argument.require("--hotkey", hotkey);
        if (rao < 0) {
            throw new ExitException(ExitCodes.USAGE, "--rao must be non-negative, got " + rao);
        }
        if (!LocalChain.exists(dir)) {
            throw new ExitException(ExitCodes.STATE, "no local chain in " + dir + ": create it with 'chain local-init "
                    + "--local-chain.dir " + dir + "'");
        }
        try (LocalChain chain = LocalChain.builder().setDirectory(dir).optTime(parent.localTime()).build()) {
            chain.setStake(netuid, address, rao);
            spec.commandLine().getOut().println("stake of " + address + " on subnet " + netuid + ": "
                    + TxOutput.tao(rao) + " TAO");
        }
        spec.commandLine().getOut().flush();
    }
}
