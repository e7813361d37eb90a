package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import org.junit.jupiter.api.Test;

class RunCommandTest {
    @Test
    void helpListsTheRoundAndTrainingFlags() {
        CliRun run = CliRun.of(new RunCommand(), "--help");
        assertEquals(0, run.exitCode(), run.err());
        for (String flag : new String[] {"--base.location", "--storage.location", "--train.steps", "--codec", "--worker",
            "--round.blocks", "--state.dir"}) {
            assertTrue(run.out().contains(flag), flag);
        }
    }

    @Test
    void missingBaseLocationIsAOneLineUsageError() {
        CliRun run = CliRun.of(new RunCommand(), "--netuid", "1", "--storage.location", "file:///tmp/x", "--data", "x.txt");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--base.location"), run.err());
    }

    @Test
    void rejectsAnUnknownWorkerMode() {
        CliRun run = CliRun.of(new RunCommand(), "--worker", "thread");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("child or in-process"), run.err());
    }
}
