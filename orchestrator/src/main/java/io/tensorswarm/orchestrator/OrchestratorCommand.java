package io.tensorswarm.orchestrator;

import io.tensorswarm.chain.cli.ChainCommand;
import io.tensorswarm.chain.cli.WalletCommand;
import io.tensorswarm.common.cli.VersionProvider;
import io.tensorswarm.storage.cli.StorageCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code orchestrator} command and its subcommands. */
@Command(
        name = "orchestrator",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {RunCommand.class, WalletCommand.class, ChainCommand.class, StorageCommand.class, HelpCommand.class},
        description = "Tensorswarm orchestrator: round clock, assignments, miner roster and subnet health.")
public final class OrchestratorCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
