package io.tensorswarm.averager;

import io.tensorswarm.common.cli.Cli;
import io.tensorswarm.common.model.TorchRuntime;

/** Entry point of {@code averager.jar}. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        TorchRuntime.configure();
        System.exit(Cli.commandLine(new AveragerCommand(), Cli.stdout(), Cli.stderr()).execute(args));
    }
}
