package io.tensorswarm.miner;

import io.tensorswarm.chain.cli.ChainCommand;
import io.tensorswarm.chain.cli.WalletCommand;
import io.tensorswarm.common.cli.VersionProvider;
import io.tensorswarm.storage.cli.StorageCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code miner} command and its subcommands. */
@Command(
        name = "miner",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {TrainCommand.class, RunCommand.class, PublishCommand.class, WalletCommand.class, ChainCommand.class, StorageCommand.class, HelpCommand.class},
        description = "Tensorswarm miner: trains the base model and publishes weight deltas.")
public final class MinerCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
