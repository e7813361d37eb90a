package io.tensorswarm.gym;

import io.tensorswarm.common.cli.VersionProvider;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code gym} command: dishonest miners for the local subnet (test support, never for a real subnet). */
@Command(
        name = "gym",
        mixinStandardHelpOptions = true,
        versionProvider = VersionProvider.class,
        subcommands = {RunCommand.class, KindsCommand.class, HelpCommand.class},
        description = {"Tensorswarm attack gym: dishonest miners that publish through the real miner CLI.",
            "For the local subnet and tests only (scripts/local-subnet.sh --adversaries)."})
public final class GymCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }
}
