package io.tensorswarm.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import io.tensorswarm.common.ops.LogFormat;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Adds {@code --logging.debug} and {@code -v} (raise Tensorswarm's log level) and {@code --logging.format}
 * (text or JSON lines) to a command.
 */
public final class LoggingMixin {
    @Option(
            names = {"--logging.debug"},
            description = "Log at DEBUG level (env: TS_LOGGING_DEBUG).",
            defaultValue = "${env:TS_LOGGING_DEBUG:-false}")
    boolean debug;

    @Option(
            names = {"--logging.format"},
            paramLabel = "text|json",
            description = "Log lines for people (text) or one JSON object per line (json) (default: ${DEFAULT-VALUE}; "
                    + "env: TS_LOGGING_FORMAT).",
            defaultValue = "${env:TS_LOGGING_FORMAT:-text}")
    String format;

    @Option(names = "-v", description = "More output; repeat for TRACE (-vv).")
    boolean[] verbosity = new boolean[0];

    /** The chosen log format as given ({@code text} or {@code json}), e.g. to pass on to a child process. */
    public String format() {
        return format == null ? "text" : format;
    }

    /** Applies the chosen format and level to the {@code io.tensorswarm} loggers. */
    public void apply() {
        try {
            LogFormat.parse(format == null ? "text" : format).apply();
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--logging.format: " + e.getMessage());
        }
        Level level = null;
        if (verbosity.length >= 2) {
            level = Level.TRACE;
        } else if (debug || verbosity.length == 1) {
            level = Level.DEBUG;
        }
        if (level != null && LoggerFactory.getLogger("io.tensorswarm") instanceof Logger l) {
            l.setLevel(level);
        }
    }
}
