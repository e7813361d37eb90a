package io.tensorswarm.orchestrator;

import io.tensorswarm.common.cli.VersionProvider;
import io.tensorswarm.storage.cli.StorageCommand;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;

/** The {@code orchestrator} command and its subcommands. */
@Command(
        name = "orchestrator",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {StorageCommand.class, HelpCommand.class},
        description = "Tensorswarm orchestrator: round clock, assignments and subnet health (the run command lands with the local subnet).")
public final class OrchestratorCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
