package io.tensorswarm.validator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.testing.CliRun;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

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

    @Test
    void refusesALocatorSchemeNoStorageBackendServesNamingTheInstalledOnes() {
        CliRun run = CliRun.of(new RunCommand(), "--netuid", "1", "--base.location", tmp.toUri().toString(),
                "--data", tmp.toString(), "--state.dir", tmp.resolve("state").toString(),
                "--locators.allow", "file,gopher");
        assertEquals(ExitCodes.USAGE, run.exitCode());
        assertTrue(run.err().contains("--locators.allow: no storage backend for 'gopher' (installed: file, hf, s3)"),
                run.err());
    }

    @Test
    void helpShowsTheOperationsAndLocatorFlagsAndTheStopBehaviour() {
        CliRun run = CliRun.of(new RunCommand(), "--help");
        assertEquals(ExitCodes.OK, run.exitCode());
        for (String flag : new String[] {"--metrics.port", "--metrics.host", "--health.stall-after", "--shutdown.grace",
                "--logging.format", "--locators.allow"}) {
            assertTrue(run.out().contains(flag), flag + " missing from:\n" + run.out());
        }
        String flat = run.out().replaceAll("\\s+", " ");
        assertTrue(flat.contains("(default: s3,hf; env TS_LOCATORS_ALLOW)"), run.out());
        assertTrue(flat.contains("SIGTERM stops at the next safe point"), run.out());
    }

    @Test
    void docsListEveryFlagOfRunAndEvaluateAndNoOther() throws Exception {
        String doc = Files.readString(Path.of("..", "docs", "validator.md"));
        String runSection = section(doc, "### `validator run`", "### `validator evaluate`");
        String evaluateSection = section(doc, "### `validator evaluate`", "\n## ");
        assertEquals(flagsOf(new RunCommand()), documented(runSection));
        assertEquals(flagsOf(new EvaluateCommand()), documented(evaluateSection));
    }

    private static String section(String doc, String start, String end) {
        int a = doc.indexOf(start);
        assertTrue(a >= 0, "no section " + start);
        int b = doc.indexOf(end, a + start.length());
        return doc.substring(a, b < 0 ? doc.length() : b);
    }

    /** Returns every option name of {@code command}, as {@code --help} prints them. */
    private static Set<String> flagsOf(Object command) {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : new CommandLine(command).getCommandSpec().options()) {
            names.addAll(Set.of(o.names()));
        }
        return names;
    }

    /** Returns the flags named in the first column of the section's table rows. */
    private static Set<String> documented(String section) {
        Set<String> names = new TreeSet<>();
        Matcher row = Pattern.compile("(?m)^\\| (.+?) \\|").matcher(section);
        while (row.find()) {
            Matcher flag = Pattern.compile("`(-{1,2}[A-Za-z][\\w.-]*)").matcher(row.group(1));
            while (flag.find()) {
                names.add(flag.group(1));
            }
        }
        return names;
    }
}
