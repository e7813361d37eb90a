package io.tensorswarm.gym;

import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.model.TorchRuntime;

/** Entry point of {@code gym.jar}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        TorchRuntime.configure();
        System.exit(Cli.commandLine(new GymCommand(), Cli.stdout(), Cli.stderr()).execute(args));
    }
}
