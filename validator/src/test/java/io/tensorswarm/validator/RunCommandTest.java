package io.tensorswarm.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
    @TempDir Path tmp;

    @Test
    void refusesAnUnknownPolicyAsAUsageError() {
        CliRun run = CliRun.of(new RunCommand(), "--netuid", "1", "--base.location", tmp.toUri().toString(),
                "--data", tmp.toString(), "--state.dir", tmp.resolve("state").toString(), "--policy", "loudest");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--policy must be score or tiered"), run.err());
    }

    @Test
    void refusesADeadlineMarginAsLongAsTheRound() {
        CliRun run = CliRun.of(new RunCommand(), "--netuid", "1", "--base.location", tmp.toUri().toString(),
                "--data", tmp.toString(), "--round.blocks", "5", "--round.deadline-margin", "5");
        assertEquals(ExitCodes.USAGE, run.exitCode());
    }
}
