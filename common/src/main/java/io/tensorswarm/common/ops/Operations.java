package io.tensorswarm.common.ops;

import java.util.Objects;

/**
 * What a running daemon holds for its operator: metrics and health (served when a port is given),
 * the log identity and the SIGTERM stop. Opened by {@link io.tensorswarm.common.cli.OpsOptions#open};
 * close it when the daemon's loop returns.
 */
public final class Operations implements AutoCloseable {
    private final DaemonMetrics metrics;
    private final Shutdown shutdown;
    private final OpsServer server;

    public Operations(DaemonMetrics metrics, Shutdown shutdown, OpsServer server) {
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.shutdown = Objects.requireNonNull(shutdown, "shutdown");
        this.server = server;
        shutdown.onRequest(metrics.health()::stopping);
    }

    /** Metrics and health that are not served and a stop only {@link Shutdown#request()} triggers (tests). */
    public static Operations detached() {
        return new Operations(DaemonMetrics.unexported(), Shutdown.manual(java.time.Duration.ofSeconds(30)), null);
    }

    public DaemonMetrics metrics() {
        return metrics;
    }

    public Shutdown shutdown() {
        return shutdown;
    }

    /** The bound metrics port, or -1 when metrics are not served. */
    public int metricsPort() {
        return server == null ? -1 : server.port();
    }

    @Override
    public void close() {
        metrics.health().stopping();
        try {
            shutdown.close();
        } finally {
            if (server != null) {
                server.close();
            }
        }
    }
}
