package io.tensorswarm.averager;

import io.tensorswarm.chain.cli.ChainCommand;
import io.tensorswarm.chain.cli.WalletCommand;
import io.tensorswarm.common.cli.VersionProvider;
import io.tensorswarm.storage.cli.StorageCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code averager} command and its subcommands. */
@Command(
        name = "averager",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {InitCommand.class, PublishCommand.class, RunCommand.class, WalletCommand.class, ChainCommand.class, StorageCommand.class, HelpCommand.class},
        description = "Tensorswarm averager: merges the best deltas into the next base model.")
public final class AveragerCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
