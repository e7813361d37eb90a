package io.tensorswarm.common.testing;

import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.Cli;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Checks that a daemon's {@code --help} and its docs page agree: every visible option of the named
 * subcommands has a description and appears in the page as {@code `--name} (its longest name).
 */
public final class HelpDocs {
    private HelpDocs() {}

    /**
     * @param command the top command object (e.g. {@code new MinerCommand()})
     * @param doc the docs page, relative to the repository root (e.g. {@code docs/miner.md})
     * @param subcommands the subcommands the page documents (e.g. {@code "run", "train"})
     */
    public static void assertDocumented(Object command, String doc, String... subcommands) throws IOException {
        Path page = repositoryRoot().resolve(doc);
        String text = Files.readString(page);
        CommandLine top = Cli.commandLine(command, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()));
        List<String> problems = new ArrayList<>();
        for (String name : subcommands) {
            CommandLine sub = top.getSubcommands().get(name);
            assertNotNull(sub, "no subcommand " + name);
            for (OptionSpec option : sub.getCommandSpec().options()) {
                if (option.hidden() || option.usageHelp() || option.versionHelp()) {
                    continue;
                }
                String longest = option.longestName();
                if (option.description().length == 0 || String.join("", option.description()).isBlank()) {
                    problems.add(name + " " + longest + ": no description in --help");
                }
                if (longest.startsWith("--") && !text.contains("`" + longest)) {
                    problems.add(name + " " + longest + ": not in " + doc);
                }
            }
        }
        assertTrue(problems.isEmpty(), String.join("\n", problems));
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isDirectory(dir.resolve("docs"))) {
            dir = dir.getParent();
        }
        assertNotNull(dir, "cannot find the repository root (a folder with docs/)");
        return dir;
    }
}
