package io.tensorswarm.common.cli;

import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.ops.OpsServer;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.Shutdown;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import picocli.CommandLine.Option;

/**
 * Operator flags shared by every daemon's {@code run}: {@code --metrics.port}, {@code --metrics.host},
 * {@code --health.stall-after} and {@code --shutdown.grace}. See {@code docs/operations.md}.
 */
public final class OpsOptions {
    @Option(names = "--metrics.port", defaultValue = "${env:TS_METRICS_PORT}", paramLabel = "<port>",
            description = "Serve Prometheus metrics on /metrics and health on /health at this port; 0 picks a free "
                    + "port; unset = off (env TS_METRICS_PORT).")
    Integer metricsPort;

    @Option(names = "--metrics.host", defaultValue = "${env:TS_METRICS_HOST:-127.0.0.1}", paramLabel = "<addr>",
            description = "Address the metrics endpoint binds; 0.0.0.0 for a Prometheus on another host "
                    + "(default: ${DEFAULT-VALUE}; env TS_METRICS_HOST).")
    String metricsHost;

    @Option(names = "--health.stall-after", defaultValue = "${env:TS_HEALTH_STALL_AFTER:-PT30M}", paramLabel = "<ISO-8601>",
            description = "/health answers 503 'stalled' after this long without progress (default: ${DEFAULT-VALUE}; "
                    + "env TS_HEALTH_STALL_AFTER).")
    String stallAfter;

    @Option(names = "--shutdown.grace", defaultValue = "${env:TS_SHUTDOWN_GRACE:-PT30S}", paramLabel = "<ISO-8601>",
            description = "On SIGTERM, how long to let the current step finish before abandoning it "
                    + "(default: ${DEFAULT-VALUE}; env TS_SHUTDOWN_GRACE).")
    String grace;

    /**
     * Applies {@code identity} to the logs, creates the metrics, starts the endpoint when a port was
     * given and installs the SIGTERM handler.
     *
     * @throws ExitException (usage) for malformed durations or ports, (runtime) when the port cannot be bound
     */
    public Operations open(LogIdentity identity) {
        identity.apply();
        Duration stall = duration("--health.stall-after", stallAfter);
        if (stall.isZero()) {
            throw new ExitException(ExitCodes.USAGE, "--health.stall-after must be positive");
        }
        Duration graceDuration = duration("--shutdown.grace", grace);
        if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
            throw new ExitException(ExitCodes.USAGE, "--metrics.port must be 0..65535, got " + metricsPort);
        }
        DaemonMetrics metrics = DaemonMetrics.create(stall);
        metrics.identity(identity, VersionProvider.version());
        OpsServer server = null;
        if (metricsPort != null) {
            try {
                server = OpsServer.start(metricsHost, metricsPort, metrics);
            } catch (UncheckedIOException e) {
                throw new ExitException(ExitCodes.FAILURE, e.getMessage());
            }
        }
        return new Operations(metrics, Shutdown.onSignals(graceDuration), server);
    }

    private static Duration duration(String flag, String value) {
        try {
            Duration d = Duration.parse(value);
            if (d.isNegative()) {
                throw new ExitException(ExitCodes.USAGE, flag + " must not be negative: " + value);
            }
            return d;
        } catch (DateTimeParseException e) {
            throw new ExitException(ExitCodes.USAGE, flag + " must be an ISO-8601 duration such as PT30S, got '" + value + "'");
        }
    }
}
