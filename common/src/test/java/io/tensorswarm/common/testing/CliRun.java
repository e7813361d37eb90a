package io.tensorswarm.common.testing;

import io.tensorswarm.common.cli.Cli;
import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs a picocli command in-process and captures its exit code, stdout and stderr. */
public record CliRun(int exitCode, String out, String err) {

    /** Runs {@code command} with {@code args} as {@code main} would. */
    public static CliRun of(Object command, String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Cli.commandLine(command, new PrintWriter(out, true), new PrintWriter(err, true)).execute(args);
        return new CliRun(code, out.toString(), err.toString());
    }

    /** Returns whether stderr is exactly one {@code error: ...} line, with no stack trace. */
    public boolean isOneLineError() {
        String e = err.strip();
        return e.startsWith("error: ") && !e.contains("\n\tat ") && !e.contains("Exception:")
                && e.lines().filter(l -> l.startsWith("error:")).count() == 1;
    }
}
