package io.tensorswarm.orchestrator;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.OptionSpec;

/** {@code orchestrator run --help} lists every option, and {@code docs/orchestrator.md} documents exactly those. */
class HelpAndDocsTest {
    private static final Path DOCS = Path.of("..", "docs", "orchestrator.md");
    private static final Pattern DOC_FLAG = Pattern.compile("`(--[a-z][a-z0-9._-]*)`");

    private static Set<String> runOptions() {
        Set<String> names = new TreeSet<>();
        for (OptionSpec o : new CommandLine(new RunCommand()).getCommandSpec().options()) {
            for (String n : o.names()) {
                if (n.startsWith("--")) {
                    names.add(n);
                }
            }
        }
        return names;
    }

    @Test
    void helpListsEveryOptionWithItsDescription() {
        StringWriter out = new StringWriter();
        int code = Cli.commandLine(new OrchestratorCommand(), new PrintWriter(out), new PrintWriter(new StringWriter()))
                .execute("run", "--help");
        assertEquals(0, code);
        String help = out.toString();
        for (OptionSpec o : new CommandLine(new RunCommand()).getCommandSpec().options()) {
            assertTrue(help.contains(o.longestName()), "--help lacks " + o.longestName());
            assertTrue(o.description().length > 0 && !o.description()[0].isBlank(), o.longestName() + " has no description");
        }
        assertTrue(help.contains("--metrics.port") && help.contains("--shutdown.grace"), help);
    }

    @Test
    void docsListEveryFlagOfRunAndNoOther() throws Exception {
        String doc = Files.readString(DOCS);
        int start = doc.indexOf("## Flags of `orchestrator run`");
        assertTrue(start >= 0, "docs/orchestrator.md has no flags section");
        int end = doc.indexOf("\n## ", start + 5);
        String table = doc.substring(start, end < 0 ? doc.length() : end);
        Set<String> documented = new TreeSet<>();
        Matcher m = DOC_FLAG.matcher(table);
        while (m.find()) {
            documented.add(m.group(1));
        }
        assertEquals(runOptions(), documented, "docs/orchestrator.md flags table vs orchestrator run --help");
    }
}
