package io.tensorswarm.validator;

import io.tensorswarm.chain.cli.ChainCommand;
import io.tensorswarm.chain.cli.WalletCommand;
import io.tensorswarm.common.cli.VersionProvider;
import io.tensorswarm.storage.cli.StorageCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code validator} command and its subcommands. */
@Command(
        name = "validator",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {EvaluateCommand.class, RunCommand.class, WalletCommand.class, ChainCommand.class, StorageCommand.class, HelpCommand.class},
        description = "Tensorswarm validator: scores miners' deltas by held-out loss improvement.")
public final class ValidatorCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
