package io.tensorswarm.miner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.cli.OrchestratorOptions;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

@Timeout(60)
class RunCommandTest {
    /** Shared chain flag without a default of its own: the network decides the endpoint. */
    private static final Set<String> NO_DEFAULT = Set.of("--subtensor.chain_endpoint");

    @Test
    void helpListsTheRoundTrainingAndOperatorFlags() {
        CliRun run = CliRun.of(new RunCommand(), "--help");
        assertEquals(0, run.exitCode(), run.err());
        for (String flag : new String[] {"--base.location", "--storage.location", "--train.steps", "--codec", "--worker",
            "--round.blocks", "--state.dir", "--metrics.port", "--metrics.host", "--health.stall-after",
            "--shutdown.grace", "--logging.format"}) {
            assertTrue(run.out().contains(flag), flag);
        }
        assertTrue(run.out().contains("SIGTERM"), run.out());
    }

    @Test
    void everyRunAndPublishFlagIsDescribedWithItsDefaultOrMarkedRequired() {
        List<String> undocumented = new ArrayList<>();
        List<OptionSpec> options = new ArrayList<>(new CommandLine(new RunCommand()).getCommandSpec().options());
        options.addAll(new CommandLine(new PublishCommand()).getCommandSpec().options());
        for (OptionSpec option : options) {
            if (option.hidden() || option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String text = String.join(" ", option.description()).toLowerCase(Locale.ROOT);
            boolean flag = option.arity().max() == 0;
            boolean saysDefault = text.contains("default") || text.contains("required") || text.contains("unset = off");
            if (text.isBlank() || (!flag && !saysDefault && !NO_DEFAULT.contains(option.longestName()))) {
                undocumented.add(option.longestName());
            }
        }
        assertEquals(List.of(), undocumented);
    }

    @Test
    void docsShowRunTrainAndPublishHelpExactlyAsPrinted() throws Exception {
        String docs = Files.readString(Path.of("..", "docs", "miner.md"));
        String home = System.getProperty("user.home");
        System.setProperty("user.home", "~"); // the docs write the home directory as ~
        try {
            for (String command : new String[] {"run", "train", "publish"}) {
                String documented = helpBlock(docs, "miner " + command);
                Matcher env = Pattern.compile("\\b(?:TS|BT)_[A-Z_]+").matcher(documented);
                while (env.find()) {
                    assumeTrue(System.getenv(env.group()) == null, env.group() + " is set: the defaults differ");
                }
                CliRun help = CliRun.of(new MinerCommand(), command, "--help");
                assertEquals(0, help.exitCode(), help.err());
                assertEquals(documented, help.out(), "docs/miner.md is out of date for miner " + command
                        + "; paste the new help there");
            }
        } finally {
            System.setProperty("user.home", home);
        }
    }

    private static String helpBlock(String docs, String name) {
        Matcher m = Pattern.compile("<!-- help: " + Pattern.quote(name) + " -->\n```text\n(.*?)```\n", Pattern.DOTALL)
                .matcher(docs);
        assertTrue(m.find(), "docs/miner.md has no help block for " + name);
        return m.group(1);
    }

    @Test
    void theTrainingWorkerLogsInTheDaemonsFormatAndWithItsSubnet() {
        RunCommand command = new RunCommand();
        new CommandLine(command).parseArgs("--netuid", "7", "--logging.format", "json");
        assertEquals(java.util.Map.of("TS_LOGGING_FORMAT", "json", "TS_WORKER_NETUID", "7"), command.workerEnvironment());
    }

    @Test
    void missingBaseLocationIsAOneLineUsageError() {
        CliRun run = CliRun.of(new RunCommand(), "--netuid", "1", "--storage.location", "file:///tmp/x", "--data", "x.txt");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--base.location"), run.err());
    }

    @Test
    void timingsThatWouldWasteRoundsAreAOneLineUsageErrorNamingTheFlag() {
        String[] base = {"--netuid", "1", "--storage.location", "file:///tmp/x", "--base.location", "file:///tmp/y",
            "--data", "x.txt"};
        CliRun noWindow = CliRun.of(new RunCommand(), concat(base, "--round.deadline-margin", "0"));
        assertEquals(ExitCodes.USAGE, noWindow.exitCode(), noWindow.err());
        assertTrue(noWindow.isOneLineError(), noWindow.err());
        assertTrue(noWindow.err().contains("--round.deadline-margin 0 leaves no upload window"), noWindow.err());
        CliRun noTraining = CliRun.of(new RunCommand(), concat(base, "--round.blocks", "10", "--round.deadline-margin", "9"));
        assertEquals(ExitCodes.USAGE, noTraining.exitCode(), noTraining.err());
        assertTrue(noTraining.err().contains("--round.deadline-margin 9"), noTraining.err());
    }

    @Test
    void trainMaxPagesDefaultsTo64TimesThePagesAndMayNotFallBelowThem() {
        assumeTrue(System.getenv("TS_TRAIN_MAX_PAGES") == null && System.getenv("TS_PAGES") == null);
        RunCommand byDefault = new RunCommand();
        new CommandLine(byDefault).parseArgs("--pages", "24");
        assertEquals(24 * 64, byDefault.maxPages());
        RunCommand set = new RunCommand();
        new CommandLine(set).parseArgs("--pages", "24", "--train.max-pages", "100");
        assertEquals(100, set.maxPages());
        String[] base = {"--netuid", "1", "--storage.location", "file:///tmp/x", "--base.location", "file:///tmp/y",
            "--data", "x.txt"};
        CliRun below = CliRun.of(new RunCommand(), concat(base, "--pages", "24", "--train.max-pages", "23"));
        assertEquals(ExitCodes.USAGE, below.exitCode(), below.err());
        assertTrue(below.err().contains("--train.max-pages 23 is below --pages 24"), below.err());
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void rejectsAnUnknownWorkerMode() {
        CliRun run = CliRun.of(new RunCommand(), "--worker", "thread");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("child or in-process"), run.err());
    }

    @Test
    void anOrchestratorUrlThatIsNotHttpIsAUsageErrorAndABlankOneTurnsHeartbeatsOff() {
        Sr25519KeyPair hotkey = Sr25519KeyPair.fromUri("//Bob");
        assertNull(OrchestratorOptions.client(null, hotkey, 1));
        assertNull(OrchestratorOptions.client("  ", hotkey, 1));
        ExitException e = assertThrows(ExitException.class, () -> OrchestratorOptions.client("127.0.0.1:8484", hotkey, 1));
        assertEquals(ExitCodes.USAGE, e.exitCode());
        assertTrue(e.getMessage().startsWith("--orchestrator.url: "), e.getMessage());
        try (OrchestratorClient client = OrchestratorOptions.client("http://127.0.0.1:8484", hotkey, 1)) {
            assertEquals("http://127.0.0.1:8484/", client.baseUrl());
        }
    }
}
