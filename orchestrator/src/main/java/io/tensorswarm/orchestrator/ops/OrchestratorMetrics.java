package io.tensorswarm.orchestrator.ops;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.tensorswarm.chain.auth.AuthFailure;
import io.tensorswarm.common.ops.DaemonMetrics;
import java.util.Objects;

/**
 * The orchestrator's metrics: the shared {@code tensorswarm_*} set of {@link DaemonMetrics} (round,
 * base loss, errors by kind, health) plus what only the orchestrator sees, registered in the same
 * registry:
 *
 * <ul>
 *   <li>{@code tensorswarm_registered_neurons{role="miner|validator"}}: hotkeys registered on the
 *       subnet, by validator permit;
 *   <li>{@code tensorswarm_committed_miners}: hotkeys whose commitment names the current round;
 *   <li>{@code tensorswarm_heartbeats_total{role}}: heartbeats accepted;
 *   <li>{@code tensorswarm_roster_hotkeys}: hotkeys in the roster;
 *   <li>{@code tensorswarm_http_requests_total{endpoint,code}}: API requests answered.
 * </ul>
 *
 * <p>Error kinds counted in {@code tensorswarm_errors_total{kind}}: {@code auth_rejected} (missing,
 * malformed or wrong signature), {@code audience_rejected} (signed for another host or netuid),
 * {@code replay_rejected}, {@code stale_rejected}, {@code forbidden}, {@code auth_rate_limited} (a
 * hotkey past its share of nonces), {@code auth_overloaded}, {@code heartbeat_rejected}, {@code
 * body_too_large}, {@code bad_request}, {@code chain}, {@code base_revision}, {@code storage},
 * {@code dataset}, {@code base_eval}, {@code history}, {@code roster}, {@code internal}, and the
 * HTTP guard's {@code http_connection_limited}, {@code http_header_timeout}, {@code
 * http_request_timeout}, {@code http_rate_limited}, {@code http_too_many_headers}. Thread-safe.
 */
public final class OrchestratorMetrics {
    private final DaemonMetrics daemon;
    private final Gauge registered;
    private final Gauge committed;
    private final Counter heartbeats;
    private final Gauge rosterHotkeys;
    private final Counter requests;

    public OrchestratorMetrics(DaemonMetrics daemon) {
        this.daemon = Objects.requireNonNull(daemon, "daemon");
        registered = Gauge.builder().name("tensorswarm_registered_neurons")
                .help("Hotkeys registered on the subnet, by role (validator = holds a validator permit).")
                .labelNames("role").register(daemon.registry());
        committed = Gauge.builder().name("tensorswarm_committed_miners")
                .help("Hotkeys whose on-chain commitment names the current round.").register(daemon.registry());
        heartbeats = Counter.builder().name("tensorswarm_heartbeats")
                .help("Heartbeats accepted, by the role they report.").labelNames("role").register(daemon.registry());
        rosterHotkeys = Gauge.builder().name("tensorswarm_roster_hotkeys")
                .help("Hotkeys in the heartbeat roster.").register(daemon.registry());
        requests = Counter.builder().name("tensorswarm_http_requests")
                .help("Orchestrator API requests answered, by endpoint and status code.")
                .labelNames("endpoint", "code").register(daemon.registry());
    }

    /** Metrics nobody scrapes (tests and embedded servers). */
    public static OrchestratorMetrics unexported() {
        return new OrchestratorMetrics(DaemonMetrics.unexported());
    }

    /** Returns the shared daemon metrics (round, loss, errors, health). */
    public DaemonMetrics daemon() {
        return daemon;
    }

    /** Sets the registered hotkeys by role. */
    public void registered(long miners, long validators) {
        registered.labelValues("miner").set(miners);
        registered.labelValues("validator").set(validators);
    }

    /** Sets how many hotkeys committed for the current round. */
    public void committed(long n) {
        committed.set(n);
    }

    /** Counts an accepted heartbeat; {@code roster} is the roster's size after it. */
    public void heartbeat(String role, int roster) {
        heartbeats.labelValues(role).inc();
        rosterHotkeys.set(roster);
    }

    /** Sets the roster's size. */
    public void rosterSize(int n) {
        rosterHotkeys.set(n);
    }

    /** Counts an answered request; {@code endpoint} is the API path (or "other"). */
    public void request(String endpoint, int code) {
        requests.labelValues(endpoint, Integer.toString(code)).inc();
    }

    /** Counts an error of {@code kind} (see the class comment). */
    public void error(String kind) {
        daemon.error(kind);
    }

    /** Returns the error kind counted for a refused signed request. */
    public static String kindOf(AuthFailure failure) {
        return switch (failure) {
            case REPLAYED -> "replay_rejected";
            case STALE -> "stale_rejected";
            case FORBIDDEN -> "forbidden";
            case OVERLOADED -> "auth_overloaded";
            case RATE_LIMITED -> "auth_rate_limited";
            case WRONG_AUDIENCE -> "audience_rejected";
            case MISSING_HEADER, MALFORMED_HEADER, BAD_SIGNATURE -> "auth_rejected";
        };
    }
}
