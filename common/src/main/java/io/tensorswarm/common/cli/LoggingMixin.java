package io.tensorswarm.common.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * Adds {@code --logging.debug} and {@code -v} to a command; both raise Tensorswarm's log level.
 */
public final class LoggingMixin {
    @Option(
            names = {"--logging.debug"},
            description = "Log at DEBUG level (env: TS_LOGGING_DEBUG).",
            defaultValue = "${env:TS_LOGGING_DEBUG:-false}")
    boolean debug;

    @Option(names = "-v", description = "More output; repeat for TRACE (-vv).")
    boolean[] verbosity = new boolean[0];

    /** Applies the chosen level to the {@code io.tensorswarm} loggers. */
    public void apply() {
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
