package io.tensorswarm.orchestrator.http;

import com.sun.net.httpserver.HttpServer;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.auth.MetagraphCache;
import io.tensorswarm.chain.auth.RequestVerifier;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.dashboard.DashboardEndpoint;
import io.tensorswarm.orchestrator.dashboard.ValidatorReports;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.BaseRevisionSource;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.watch.ChainSnapshot;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's HTTP API, served by the JDK's {@link HttpServer}: the round clock, page
 * assignments, heartbeats, the roster, and the dashboard (an HTML page at {@code /} and {@code
 * /dashboard} fed by {@code /v1/dashboard}); endpoints in {@code docs/orchestrator.md}. Chain state
 * is read only through {@link Chain}; signed endpoints check requests with a {@link
 * RequestVerifier} and authorize hotkeys against the subnet's metagraph (read at most once a block).
 * Every answer and refusal is counted in the {@link OrchestratorMetrics}.
 *
 * <p>Limits: request bodies over {@link HttpSettings#maxBodyBytes()} get 413 before they are read;
 * a fixed pool of {@link HttpSettings#threads()} handles requests with a bounded queue (when it is
 * full, the accepting thread runs the request itself, which slows accepting new connections); the
 * JDK server's request and response times are capped at 30 s through the {@code
 * sun.net.httpserver.maxReqTime}/{@code maxRspTime} system properties unless they are set already
 * (they apply to every server of the JVM and are read once, before the first server starts).
 *
 * <pre>{@code
 * try (OrchestratorServer server = OrchestratorServer.builder()
 *         .setChain(chain).setNetuid(1).setRoundClock(new RoundClock(100, 10))
 *         .setRoster(Roster.open(stateDir.resolve("roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC()))
 *         .optSettings(HttpSettings.defaults().withAddress("0.0.0.0", 8484))
 *         .build().start()) {
 *     ...
 * }
 * }</pre>
 */
public final class OrchestratorServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OrchestratorServer.class);

    static {
        System.setProperty("sun.net.httpserver.maxReqTime", System.getProperty("sun.net.httpserver.maxReqTime", "30"));
        System.setProperty("sun.net.httpserver.maxRspTime", System.getProperty("sun.net.httpserver.maxRspTime", "30"));
        System.setProperty("sun.net.httpserver.maxReqHeaders", System.getProperty("sun.net.httpserver.maxReqHeaders", "64"));
    }

    private final HttpSettings settings;
    private final Chain chain;
    private final int netuid;
    private final RoundTracker rounds;
    private final Roster roster;
    private final MetagraphCache metagraph;
    private final RequestVerifier verifier;
    private final AssignmentSource assignments;
    private final Clock clock;
    private final OrchestratorMetrics metrics;
    private final DashboardEndpoint dashboard;
    private HttpServer server;
    private ThreadPoolExecutor executor;

    private OrchestratorServer(Builder b) {
        this.settings = b.settings;
        this.chain = b.chain;
        this.netuid = b.netuid;
        this.rounds = new RoundTracker(b.chain, b.roundClock, b.baseRevisions);
        this.roster = b.roster;
        this.clock = b.clock;
        this.metagraph = MetagraphCache.of(b.chain, b.netuid, MetagraphCache.DEFAULT_CHECK_INTERVAL, b.clock);
        this.verifier = RequestVerifier.builder().optClock(b.clock).optMaxSkew(b.maxSkew)
                .optAuthorizer(metagraph.registered()).build();
        this.assignments = b.assignments;
        this.metrics = b.metrics;
        Supplier<Optional<ChainSnapshot>> chainView = b.chainView != null ? b.chainView
                : () -> Optional.of(ChainSnapshot.read(b.chain, b.netuid));
        this.dashboard = new DashboardEndpoint(b.netuid, rounds, b.history, chainView, b.roster, () -> b.assignments,
                b.validatorReports, b.clock);
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
        HttpServer s;
        try {
            s = HttpServer.create(new InetSocketAddress(settings.host(), settings.port()), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        int cap = settings.maxBodyBytes();
        s.createContext("/", new PageHandler(metrics));
        s.createContext("/healthz", new EndpointHandler("/healthz", "GET", this::health, cap, null, null, metrics));
        s.createContext("/v1/round", new EndpointHandler("/v1/round", "GET", r -> rounds.current(), cap, null, null,
                metrics));
        s.createContext("/v1/assignment", new EndpointHandler("/v1/assignment", "GET",
                new AssignmentEndpoint(assignments, rounds), cap, null, null, metrics));
        s.createContext("/v1/heartbeat", new EndpointHandler("/v1/heartbeat", "POST",
                new HeartbeatEndpoint(roster, metrics), cap, verifier, metagraph.registered(), metrics));
        s.createContext("/v1/roster", new EndpointHandler("/v1/roster", "GET",
                new RosterEndpoint(roster, metagraph, clock), cap, verifier, metagraph.validatorsOnly(), metrics));
        s.createContext("/v1/dashboard", new EndpointHandler("/v1/dashboard", "GET", r -> dashboard.view(), cap, null,
                null, metrics));
        executor = new ThreadPoolExecutor(settings.threads(), settings.threads(), 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.queueCapacity()), daemonThreads(), new ThreadPoolExecutor.CallerRunsPolicy());
        s.setExecutor(executor);
        s.start();
        server = s;
        log.info("Orchestrator API listening on http://{}:{} (netuid {})", settings.host(), port(), netuid);
        return this;
    }

    private Object health(ApiRequest request) {
        return Map.of("status", "ok", "block", chain.currentBlock());
    }

    /** Returns the bound port (the chosen one when the settings ask for port 0). */
    public synchronized int port() {
        if (server == null) {
            throw new IllegalStateException("server not started");
        }
        return server.getAddress().getPort();
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
        server.stop(settings.stopGraceSeconds());
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
        server = null;
        roster.persist();
        log.info("Orchestrator API stopped");
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, "orchestrator-http-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
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
