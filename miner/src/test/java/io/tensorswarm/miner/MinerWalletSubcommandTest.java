package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The miner jar carries the shared {@code wallet} command. */
class MinerWalletSubcommandTest {
    @TempDir
    Path root;

    @Test
    void walletShowReachesTheSharedWalletCommand() {
        CliRun run = CliRun.of(new MinerCommand(), "wallet", "show", "--json", "--wallet.path", root.toString());
        assertEquals(ExitCodes.FAILURE, run.exitCode());
        assertTrue(run.isOneLineError(), run.err());
        assertTrue(run.err().contains(root.resolve("default").toString()), run.err());
    }
}
