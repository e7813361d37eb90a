package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import io.tensorswarm.common.cli.LoggingMixin;
import java.io.PrintWriter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The shared part of the {@code chain} subcommands that talk to a chain: flags, connecting, output. */
abstract class ChainSubcommand implements Runnable {
    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin ChainOptions chainOptions;
    @Mixin LoggingMixin logging;

    @Override
    public final void run() {
        logging.apply();
        try (Chain chain = parent.connect(chainOptions)) {
            run(chain);
        }
        out().flush();
    }

    /** Does the subcommand's work on the open chain. */
    abstract void run(Chain chain);

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    /** Fails with a one-line {@link ChainException} when the subnet does not exist. */
    void requireSubnet(Chain chain, int netuid) {
        boolean exists;
        if (chain instanceof LocalChain local) {
            exists = local.subnetExists(netuid);
        } else if (chain instanceof SubtensorClient node) {
            exists = node.subnetExists(netuid);
        } else {
            return;
        }
        if (!exists) {
            throw new ChainException("subnet " + netuid + " does not exist on " + parent.settings(chainOptions).describe());
        }
    }
}
