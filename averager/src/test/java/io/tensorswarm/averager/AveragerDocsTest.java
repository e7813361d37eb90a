package io.tensorswarm.averager;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code docs/averager.md} shows each command's {@code --help} exactly as the command prints it. */
class AveragerDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "averager.md");

    /** Returns {@code averager <name> --help} as printed, with the home folder written {@code ~}. */
    static String help(String name) {
        CommandLine cmd = new CommandLine(new AveragerCommand()).getSubcommands().get(name);
        return cmd.getUsageMessage(CommandLine.Help.Ansi.OFF).replace(System.getProperty("user.home"), "~");
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "publish", "run"})
    void theDocsNameEveryOptionOfTheCommand(String name) throws IOException {
        String docs = Files.readString(DOCS);
        CommandLine cmd = new CommandLine(new AveragerCommand()).getSubcommands().get(name);
        for (OptionSpec option : cmd.getCommandSpec().options()) {
            assertTrue(docs.contains(option.longestName()), "docs/averager.md lacks " + name + " " + option.longestName());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"init", "publish", "run"})
    void theDocsShowTheHelpOfTheCommandVerbatim(String name) throws IOException {
        // Defaults come from TS_* and BT_* variables: a developer's own settings would change the text.
        assumeTrue(System.getenv().keySet().stream().noneMatch(k -> k.startsWith("TS_") || k.startsWith("BT_")));
        String docs = Files.readString(DOCS);
        String block = "```text\n$ java -jar averager.jar " + name + " --help\n" + help(name) + "```\n";
        assertTrue(docs.contains(block), "docs/averager.md should contain, verbatim:\n" + block);
    }
}
