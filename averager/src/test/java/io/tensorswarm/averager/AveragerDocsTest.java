package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.tensorswarm.common.testing.CliRun;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * The averager's {@code --help} is complete (every flag says its default or that it is required)
 * and {@code docs/averager.md} shows it exactly as printed, in {@code <!-- help: averager <cmd> -->}
 * blocks ({@code scripts/update-help-docs.py} rewrites them).
 */
class AveragerDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "averager.md");
    /** Flags without a default of their own: the network decides the endpoint; the preset or config is chosen. */
    private static final Set<String> NO_DEFAULT = Set.of("--subtensor.chain_endpoint", "--preset", "--config",
            "--tokenizer");

    private static CommandLine command(String name) {
        return new CommandLine(new AveragerCommand()).getSubcommands().get(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "publish", "run"})
    void everyFlagIsDescribedWithItsDefaultOrMarkedRequired(String name) {
        List<String> undocumented = new ArrayList<>();
        for (OptionSpec option : command(name).getCommandSpec().options()) {
            if (option.hidden() || option.usageHelp() || option.versionHelp()) {
                continue;
            }
            String text = String.join(" ", option.description()).toLowerCase(Locale.ROOT);
            boolean flag = option.arity().max() == 0;
            boolean saysDefault = text.contains("default") || text.contains("required") || text.contains("unset = off")
                    || option.required();
            if (text.isBlank() || (!flag && !saysDefault && !NO_DEFAULT.contains(option.longestName()))) {
                undocumented.add(option.longestName());
            }
        }
        assertEquals(List.of(), undocumented, "averager " + name);
    }

    @Test
    void runHelpNamesTheOperatorFlagsAndTheStopBehaviour() {
        CliRun run = CliRun.of(new AveragerCommand(), "run", "--help");
        assertEquals(0, run.exitCode(), run.err());
        for (String flag : new String[] {"--locators.allow", "TS_LOCATORS_ALLOW", "--metrics.port", "--metrics.host",
            "--health.stall-after", "--shutdown.grace", "--logging.format", "--outer.momentum", "--start-round"}) {
            assertTrue(run.out().contains(flag), flag);
        }
        assertTrue(run.out().contains("SIGTERM") && run.out().contains("143"), run.out());
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "publish", "run"})
    void theDocsShowTheHelpExactlyAsPrinted(String name) throws IOException {
        String docs = Files.readString(DOCS);
        Matcher m = Pattern.compile("<!-- help: averager " + name + " -->\n```text\n(.*?)```\n", Pattern.DOTALL)
                .matcher(docs);
        assertTrue(m.find(), "docs/averager.md has no help block for averager " + name);
        String documented = m.group(1);
        Matcher env = Pattern.compile("\\b(?:TS|BT)_[A-Z_]+").matcher(documented);
        while (env.find()) {
            assumeTrue(System.getenv(env.group()) == null, env.group() + " is set: the defaults differ");
        }
        String home = System.getProperty("user.home");
        System.setProperty("user.home", "~"); // the docs write the home directory as ~
        try {
            CliRun help = CliRun.of(new AveragerCommand(), name, "--help");
            assertEquals(0, help.exitCode(), help.err());
            assertEquals(documented, help.out(), "docs/averager.md is out of date for averager " + name
                    + "; run scripts/update-help-docs.py");
        } finally {
            System.setProperty("user.home", home);
        }
    }
}
