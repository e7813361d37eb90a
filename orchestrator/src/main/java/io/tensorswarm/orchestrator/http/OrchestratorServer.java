package io.tensorswarm.orchestrator.http;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.auth.MetagraphCache;
import io.tensorswarm.chain.auth.RequestVerifier;
import io.tensorswarm.common.ops.http.GuardedHttpServer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.dashboard.DashboardEndpoint;
import io.tensorswarm.orchestrator.dashboard.ValidatorReports;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.BaseRevisionSource;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.text.DisplayText;
import io.tensorswarm.orchestrator.watch.ChainSnapshot;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's HTTP API, served by Jetty through a {@link GuardedHttpServer}: the round
 * clock, page assignments, heartbeats, the roster, and the dashboard (an HTML page at {@code /} and
 * {@code /dashboard} fed by {@code /v1/dashboard}, computed at most once a second); endpoints in
 * {@code docs/orchestrator.md}. Chain state is read only through {@link Chain}; signed endpoints
 * check requests with a {@link RequestVerifier} for this netuid and this server's host names
 * ({@link HttpSettings#publicHosts()}), authorize hotkeys against the subnet's metagraph (read at
 * most once a block), and remember a request's nonce only once the request is valid. Every answer
 * and refusal is counted in the {@link OrchestratorMetrics}.
 *
 * <p>Limits ({@link HttpSettings#limits()}): connections in all and per client address, the time to
 * send a request head and to run a request, header size and count, requests per second per
 * address; request bodies over {@link HttpSettings#maxBodyBytes()} get 413. Reading and writing
 * never hold a thread, so slow clients hold only their own connections, and only for a while.
 *
 * <pre>{@code
 * try (OrchestratorServer server = OrchestratorServer.builder()
 *         .setChain(chain).setNetuid(1).setRoundClock(new RoundClock(100, 10))
 *         .setRoster(Roster.open(stateDir.resolve("roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC()))
 *         .optSettings(HttpSettings.defaults().withAddress("0.0.0.0", 8484).withPublicHosts(List.of("orch.example.com")))
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 */
public final class OrchestratorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrchestratorServer.class);

    private final HttpSettings settings;
    private final Chain chain;
    private final int netuid;
    private final RoundTracker rounds;
    private final Roster roster;
    private final MetagraphCache metagraph;
    private final Duration maxSkew;
    private final AssignmentSource assignments;
    private final Clock clock;
    private final OrchestratorMetrics metrics;
    private final DashboardEndpoint dashboard;
    private final Endpoint dashboardView;
    private GuardedHttpServer server;
    private volatile Map<String, EndpointHandler> endpoints;
    private List<String> acceptedHosts = List.of();

    private OrchestratorServer(Builder b) {
        this.settings = b.settings;
        this.chain = b.chain;
        this.netuid = b.netuid;
        this.rounds = new RoundTracker(b.chain, b.roundClock, b.baseRevisions);
        this.roster = b.roster;
        this.clock = b.clock;
        this.metagraph = MetagraphCache.of(b.chain, b.netuid, MetagraphCache.DEFAULT_CHECK_INTERVAL, b.clock);
        this.maxSkew = b.maxSkew;
        this.assignments = b.assignments;
        this.metrics = b.metrics;
        Supplier<Optional<ChainSnapshot>> chainView = b.chainView != null ? b.chainView
                : () -> Optional.of(ChainSnapshot.read(b.chain, b.netuid));
        this.dashboard = new DashboardEndpoint(b.netuid, rounds, b.history, chainView, b.roster, () -> b.assignments,
                b.validatorReports, b.clock);
        this.dashboardView = new CachedEndpoint(r -> new JsonBytes(DisplayText.json(dashboard.view())),
                Duration.ofSeconds(1), b.clock);
    }

    /** Returns a builder; the chain, netuid, round clock and roster are required. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Binds the address and starts serving; returns this.
     *
     * @throws UncheckedIOException when the address cannot be bound
     * @throws IllegalStateException when started twice
     */
    public synchronized OrchestratorServer start() {
        if (server != null) {
            throw new IllegalStateException("server already started");
        }
        GuardedHttpServer s = GuardedHttpServer.builder().setName("orchestrator")
                .setAddress(settings.host(), settings.port()).optLimits(settings.limits())
                .setHandler(new ApiHandler()).optRefusalBody(ApiResponses.REFUSALS)
                .optStopGraceMillis(settings.stopGraceSeconds() * 1000L)
                .optEvents(kind -> metrics.error("http_" + kind)).build().start();
        acceptedHosts = HostNames.accepted(settings.publicHosts(), settings.host(), s.port());
        RequestVerifier verifier = RequestVerifier.builder().setNetuid(netuid).optHosts(acceptedHosts)
                .optClock(clock).optMaxSkew(maxSkew).build();
        int cap = settings.maxBodyBytes();
        Map<String, EndpointHandler> e = new LinkedHashMap<>();
        e.put("/healthz", new EndpointHandler("/healthz", "GET", this::health, cap, null, null, metrics));
        e.put("/v1/round", new EndpointHandler("/v1/round", "GET", r -> rounds.current(), cap, null, null, metrics));
        e.put("/v1/assignment", new EndpointHandler("/v1/assignment", "GET", new AssignmentEndpoint(assignments, rounds),
                cap, null, null, metrics));
        e.put("/v1/heartbeat", new EndpointHandler("/v1/heartbeat", "POST", new HeartbeatEndpoint(roster, metrics), cap,
                verifier, metagraph.registered(), metrics));
        e.put("/v1/roster", new EndpointHandler("/v1/roster", "GET", new RosterEndpoint(roster, metagraph, clock), cap,
                verifier, metagraph.validatorsOnly(), metrics));
        e.put("/v1/dashboard", new EndpointHandler("/v1/dashboard", "GET", dashboardView, cap, null, null, metrics));
        endpoints = Map.copyOf(e);
        server = s;
        log.info("Orchestrator API listening on http://{}:{} (netuid {}); signed requests accepted for {}",
                settings.host(), port(), netuid, acceptedHosts);
        return this;
    }

    /** Returns the {@code Host} values signed requests may name (lower case). */
    public synchronized List<String> acceptedHosts() {
        return acceptedHosts;
    }

    /** Routes each request by its exact path: the page, an endpoint, or 404. */
    private final class ApiHandler extends Handler.Abstract {
        private final PageHandler page = new PageHandler(metrics);

        @Override
        public boolean handle(Request request, Response response, Callback callback) {
            String path = request.getHttpURI().getPath();
            if ("/".equals(path) || "/dashboard".equals(path)) {
                page.serve(request, response, callback);
                return true;
            }
            Map<String, EndpointHandler> routes = endpoints;
            EndpointHandler endpoint = routes == null ? null : routes.get(path);
            if (endpoint == null) {
                metrics.request("other", routes == null ? 503 : 404);
                ApiResponses.error(request, response, callback, routes == null ? 503 : 404, routes == null
                        ? "starting" : "no such endpoint: " + ApiResponses.printable(path));
                return true;
            }
            endpoint.serve(request, response, callback);
            return true;
        }
    }

    private Object health(ApiRequest request) {
        return Map.of("status", "ok", "block", chain.currentBlock());
    }

    /** Returns the bound port (the chosen one when the settings ask for port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("server not started");
        }
        return server.port();
    }

    /** Returns the round tracker the {@code /v1/round} endpoint answers from. */
    public RoundTracker rounds() {
        return rounds;
    }

    /** Returns the dashboard's data source. */
    public DashboardEndpoint dashboard() {
        return dashboard;
    }

    /** Returns the roster heartbeats go to. */
    public Roster roster() {
        return roster;
    }

    /**
     * Stops accepting requests, lets running ones finish for up to {@link
     * HttpSettings#stopGraceSeconds()}, then persists the roster. Idempotent.
     */
    @Override
    public synchronized void close() {
        if (server == null) {
            return;
        }
        server.close();
        server = null;
        roster.persist();
        log.info("Orchestrator API stopped");
    }

    /** Configures an {@link OrchestratorServer}. */
    public static final class Builder {
        private Chain chain;
        private Integer netuid;
        private RoundClock roundClock;
        private Roster roster;
        private BaseRevisionSource baseRevisions = BaseRevisionSource.NONE;
        private AssignmentSource assignments;
        private HttpSettings settings = HttpSettings.defaults();
        private Clock clock = Clock.systemUTC();
        private Duration maxSkew = RequestVerifier.DEFAULT_MAX_SKEW;
        private OrchestratorMetrics metrics;
        private History history;
        private Supplier<Optional<ChainSnapshot>> chainView;
        private ValidatorReports validatorReports;

        private Builder() {}

        /** Sets the metrics requests and refusals are counted in (default: unexported ones). */
        public Builder optMetrics(OrchestratorMetrics metrics) {
            this.metrics = Objects.requireNonNull(metrics, "metrics");
            return this;
        }

        /** Sets the history the dashboard shows (default: an empty one in memory). */
        public Builder optHistory(History history) {
            this.history = Objects.requireNonNull(history, "history");
            return this;
        }

        /**
         * Sets where the dashboard gets the metagraph and commitments (default: read from the chain
         * on every request); {@code orchestrator run} passes its watcher's latest snapshot.
         */
        public Builder optChainView(Supplier<Optional<ChainSnapshot>> chainView) {
            this.chainView = Objects.requireNonNull(chainView, "chainView");
            return this;
        }

        /** Sets a validator's reports for the dashboard's scores (default: none). */
        public Builder optValidatorReports(ValidatorReports reports) {
            this.validatorReports = reports;
            return this;
        }

        /** Sets the chain all state is read from (required). */
        public Builder setChain(Chain chain) {
            this.chain = chain;
            return this;
        }

        /** Sets the subnet (required). */
        public Builder setNetuid(int netuid) {
            this.netuid = netuid;
            return this;
        }

        /** Sets the round clock (required). */
        public Builder setRoundClock(RoundClock roundClock) {
            this.roundClock = roundClock;
            return this;
        }

        /** Sets the roster heartbeats go to (required). */
        public Builder setRoster(Roster roster) {
            this.roster = roster;
            return this;
        }

        /** Sets where the base revision comes from (default: none known). */
        public Builder optBaseRevisions(BaseRevisionSource source) {
            this.baseRevisions = Objects.requireNonNull(source, "source");
            return this;
        }

        /** Sets how page assignments are computed (default: none; {@code /v1/assignment} answers 503). */
        public Builder optAssignments(AssignmentSource source) {
            this.assignments = source;
            return this;
        }

        /** Sets the listening address and limits (default {@link HttpSettings#defaults()}). */
        public Builder optSettings(HttpSettings settings) {
            this.settings = Objects.requireNonNull(settings, "settings");
            return this;
        }

        /** Sets the clock used for signature timestamps and heartbeat times (default: the system clock). */
        public Builder optClock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Sets the accepted clock skew of signed requests (default 60 s). */
        public Builder optMaxSkew(Duration maxSkew) {
            this.maxSkew = Objects.requireNonNull(maxSkew, "maxSkew");
            return this;
        }

        /** Returns the server, not yet started. */
        public OrchestratorServer build() {
            if (chain == null) {
                throw new IllegalArgumentException("You must specify the chain");
            }
            if (netuid == null) {
                throw new IllegalArgumentException("You must specify the netuid");
            }
            if (roundClock == null) {
                throw new IllegalArgumentException("You must specify the round clock");
            }
            if (roster == null) {
                throw new IllegalArgumentException("You must specify the roster");
            }
            if (metrics == null) {
                metrics = OrchestratorMetrics.unexported();
            }
            if (history == null) {
                history = History.inMemory(clock);
            }
            return new OrchestratorServer(this);
        }
    }
}
