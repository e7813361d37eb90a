package io.tensorswarm.common.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * Builds the picocli {@link CommandLine} every daemon uses: one-line errors, documented exit codes,
 * and output streams that tests can capture.
 *
 * <pre>{@code
 * public static void main(String[] args) {
 *     System.exit(Cli.commandLine(new MinerCommand(), Cli.stdout(), Cli.stderr()).execute(args));
 * }
 * }</pre>
 */
public final class Cli {
    private static final Logger log = LoggerFactory.getLogger(Cli.class);

    private Cli() {}

    public static PrintWriter stdout() {
        return new PrintWriter(System.out, true);
    }

    public static PrintWriter stderr() {
        return new PrintWriter(System.err, true);
    }

    /** Returns a command line for {@code command} writing to {@code out} and {@code err}. */
    public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
        CommandLine cmd = new CommandLine(command);
        cmd.setOut(out);
        cmd.setErr(err);
        cmd.setCaseInsensitiveEnumValuesAllowed(true);
        cmd.setExecutionExceptionHandler(
                (ex, commandLine, parseResult) -> {
                    Throwable e = ex;
                    int code = exitCodeFor(e);
                    commandLine.getErr().println("error: " + oneLine(e));
                    commandLine.getErr().flush();
                    if (code == ExitCodes.INTERNAL) {
                        log.debug("unexpected failure", e);
                    }
                    return code;
                });
        cmd.setParameterExceptionHandler(
                (ex, args) -> {
                    CommandLine c = ex.getCommandLine();
                    c.getErr().println("error: " + ex.getMessage());
                    c.getErr().println("Try '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
                    c.getErr().flush();
                    return ExitCodes.USAGE;
                });
        return cmd;
    }

    static int exitCodeFor(Throwable e) {
        if (e instanceof ExitException x) {
            return x.exitCode();
        }
        if (e instanceof CommandLine.ParameterException) {
            return ExitCodes.USAGE;
        }
        if (e instanceof UserFacingException || e instanceof IOException || e instanceof UncheckedIOException) {
            return ExitCodes.FAILURE;
        }
        return ExitCodes.INTERNAL;
    }

    /** Returns the exception's message on one line, prefixed with its type when it is a bug. */
    static String oneLine(Throwable e) {
        String msg = e.getMessage();
        if (msg == null || msg.isBlank()) {
            msg = e.getClass().getSimpleName();
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            msg = "I/O error: " + msg;
        } else if (!(e instanceof ExitException || e instanceof UserFacingException)) {
            msg = e.getClass().getSimpleName() + ": " + msg;
        }
        return msg.replace('\n', ' ').replace('\r', ' ');
    }
}
