package io.tensorswarm.orchestrator;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.ChainSettings;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.OpsOptions;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.Shutdown;
import io.tensorswarm.common.ops.http.HttpLimits;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.dashboard.ValidatorReports;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.http.HttpSettings;
import io.tensorswarm.orchestrator.http.OrchestratorServer;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.BaseRevisionSource;
import io.tensorswarm.orchestrator.round.DatasetAssignments;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.round.SampledAssignments;
import io.tensorswarm.orchestrator.round.StoreBaseRevisionSource;
import io.tensorswarm.orchestrator.watch.BaseLossProbe;
import io.tensorswarm.orchestrator.watch.BaseModels;
import io.tensorswarm.orchestrator.watch.DatasetPages;
import io.tensorswarm.orchestrator.watch.SubnetWatcher;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageOptions;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code orchestrator run}: serves the orchestrator HTTP API (round clock, assignments, heartbeats,
 * roster, dashboard) for one subnet until stopped, and once a second follows the round clock, the
 * base revisions and the chain ({@link SubnetWatcher}). In local mode ({@code --subtensor.network
 * embedded}) it hosts the embedded chain in {@code --local-chain.dir}, creating the chain and the
 * subnet when missing.
 *
 * <p>Page assignments come from {@code --data} tokenized with the base model's tokenizer (as miners
 * and validators do), or from {@code --assign.fingerprint}/{@code --assign.page-count} when given.
 * SIGTERM (or Ctrl-C) stops the loop, closes the server and writes the roster and history before
 * the JVM exits, within {@code --shutdown.grace}. The history is written atomically after every
 * change; the roster's changes go to its journal once a second, so {@code kill -9} loses at most
 * the last second of heartbeats and never a file.
 *
 * <pre>{@code
 * java -jar orchestrator.jar run --netuid 1 --local-chain.dir ./chain --local-chain.block-time 2s \
 *     --state.dir ./orch --base.location file:///srv/store --data ./corpus --metrics.port 9101
 * }</pre>
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Serve the orchestrator HTTP API (round clock, page assignments, heartbeats, roster) and the dashboard "
                    + "(http://<http.host>:<http.port>/) until stopped.",
            "Assignments need --data and --base.location (the same dataset and base model miners use), or "
                    + "--assign.fingerprint with --assign.page-count."
        })
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How often the watcher runs (round clock, base revision, chain snapshot). */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);
    /** How long a read of the {@code latest} pointer is reused. */
    static final Duration LATEST_MAX_AGE = Duration.ofSeconds(1);

    @Mixin LoggingMixin logging;

    @Mixin OpsOptions ops;

    @Option(names = "--netuid", defaultValue = "${env:TS_NETUID:-1}", paramLabel = "<n>",
            description = "Subnet id (default: ${DEFAULT-VALUE}; env TS_NETUID).")
    int netuid;

    @Option(names = "--http.host", defaultValue = "${env:TS_HTTP_HOST:-127.0.0.1}", paramLabel = "<addr>",
            description = "Address the API and dashboard listen on (default: ${DEFAULT-VALUE}; env TS_HTTP_HOST).")
    String httpHost;

    @Option(names = "--http.port", defaultValue = "${env:TS_HTTP_PORT:-8484}", paramLabel = "<port>",
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}; env TS_HTTP_PORT).")
    int httpPort;

    @Option(names = "--http.max-body-bytes", defaultValue = "16384", paramLabel = "<n>",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--http.public-host", split = ",", defaultValue = "${env:TS_HTTP_PUBLIC_HOST}",
            paramLabel = "<host[:port]>",
            description = "Host names (as clients put them in Host, port included unless 80/443) that signed requests "
                    + "may name, comma-separated, e.g. orch.example.com behind a proxy; default: the --http.host "
                    + "address with the port, plus localhost names and, for 0.0.0.0, every local address "
                    + "(env TS_HTTP_PUBLIC_HOST).")
    List<String> publicHosts;

    @Option(names = "--http.requests-per-second", defaultValue = "${env:TS_HTTP_REQUESTS_PER_SECOND:-200}",
            paramLabel = "<n>",
            description = "Requests per second one client address may make, in bursts of twice that; more get 429 "
                    + "(default: ${DEFAULT-VALUE}; env TS_HTTP_REQUESTS_PER_SECOND).")
    double requestsPerSecond;

    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_ROUND_BLOCKS + "}", paramLabel = "<n>",
            description = "Blocks per round, as every daemon of the subnet uses (default: ${DEFAULT-VALUE}; "
                    + "env TS_ROUND_BLOCKS).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_DEADLINE_MARGIN + "}", paramLabel = "<n>",
            description = "Blocks between a round's commit deadline and its end: the upload window, in which miners upload "
                    + "what they committed (default: ${DEFAULT-VALUE}; env TS_ROUND_DEADLINE_MARGIN).")
    long deadlineMargin;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-orchestrator-state}", paramLabel = "<dir>",
            description = "Persistent state: roster.json, history.json, models/ cache (default: ${DEFAULT-VALUE}; "
                    + "env TS_STATE_DIR).")
    Path stateDir;

    @Option(names = "--base.location", defaultValue = "${env:TS_BASE_LOCATION}", paramLabel = "<uri>",
            description = "Where the base models and 'latest' live: the averager's store, file://, s3:// or hf:// "
                    + "(env TS_BASE_LOCATION).")
    String baseLocation;

    @Option(names = "--base.dir", defaultValue = "${env:TS_BASE_DIR}", paramLabel = "<dir>",
            description = "Same as --base.location file://<dir> (env TS_BASE_DIR).")
    Path baseDir;

    @Option(names = "--data", defaultValue = "${env:TS_DATA}", paramLabel = "<path|uri>",
            description = "The subnet's text data, as given to the miners: a .txt, .jsonl(.gz) or .parquet file, a "
                    + "folder of them, or hf://datasets/owner/name[/glob]; assignments and the dashboard's loss are "
                    + "computed on it (env TS_DATA).")
    String data;

    @Option(names = "--data-cache", defaultValue = "${env:TS_DATA_CACHE:-${sys:user.home}/.cache/tensorswarm/data}",
            paramLabel = "<dir>", description = "Where remote datasets are downloaded (default: ${DEFAULT-VALUE}; env TS_DATA_CACHE).")
    Path dataCache;

    @Option(names = "--text-field", defaultValue = "${env:TS_TEXT_FIELD:-text}", paramLabel = "<name>",
            description = "JSON field / Parquet column holding the text (default: ${DEFAULT-VALUE}; env TS_TEXT_FIELD).")
    String textField;

    @Option(names = "--token-cache", paramLabel = "<dir>",
            defaultValue = "${env:TS_TOKEN_CACHE:-${sys:user.home}/.cache/tensorswarm/tokens}",
            description = "Tokenized data cache (default: ${DEFAULT-VALUE}; env TS_TOKEN_CACHE).")
    Path tokenCache;

    @Option(names = "--assign.pages", defaultValue = "${env:TS_PAGES:-32}", paramLabel = "<n>",
            description = "Pages assigned to each miner per round; the miners' --pages (default: ${DEFAULT-VALUE}; "
                    + "env TS_PAGES).")
    int pagesPerMiner;

    @Option(names = "--assign.fingerprint", paramLabel = "<hex>",
            description = "Dataset fingerprint (64 hex) to assign pages from instead of deriving it from --data; "
                    + "needs --assign.page-count.")
    String datasetFingerprint;

    @Option(names = "--assign.page-count", paramLabel = "<n>",
            description = "Pages in the dataset of --assign.fingerprint.")
    Long pageCount;

    @Option(names = "--dashboard.eval-pages", defaultValue = "${env:TS_DASHBOARD_EVAL_PAGES:-8}", paramLabel = "<n>",
            description = "Measure each new base revision's loss on this many fixed pages of --data for the "
                    + "dashboard; 0 = off (default: ${DEFAULT-VALUE}; env TS_DASHBOARD_EVAL_PAGES).")
    int evalPages;

    @Option(names = "--dashboard.validator-state", defaultValue = "${env:TS_DASHBOARD_VALIDATOR_STATE}",
            paramLabel = "<dir>",
            description = "A validator's --state.dir on this machine: the dashboard then also plots its "
                    + "per-round base loss and miner scores (rounds/<r>.json; env TS_DASHBOARD_VALIDATOR_STATE).")
    Path validatorState;

    @Option(names = "--device", defaultValue = "${env:TS_DEVICE:-cpu}", paramLabel = "<device>",
            description = "Where the dashboard's loss is measured: cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}; env TS_DEVICE).")
    String device;

    @Option(names = "--max-model-bytes", defaultValue = "${env:TS_MAX_MODEL_BYTES:-34359738368}", paramLabel = "<n>",
            description = "Largest base model file downloaded (default: ${DEFAULT-VALUE}; env TS_MAX_MODEL_BYTES).")
    long maxModelBytes;

    @Option(names = "--subtensor.network", defaultValue = "${env:BT_SUBTENSOR_NETWORK:-embedded}", paramLabel = "<name>",
            description = "finney, test, archive, local or embedded (the local chain this orchestrator hosts) "
                    + "(default: ${DEFAULT-VALUE}; env BT_SUBTENSOR_NETWORK).")
    String network;

    @Option(names = "--subtensor.chain_endpoint", paramLabel = "<url>",
            description = "Node URL (ws:// or wss://); wins over --subtensor.network (env BT_SUBTENSOR_CHAIN_ENDPOINT).")
    String endpoint;

    @Option(names = "--local-chain.dir", defaultValue = "${env:TS_LOCAL_CHAIN_DIR:-local-chain}", paramLabel = "<dir>",
            description = "Folder of the embedded chain's state (default: ${DEFAULT-VALUE}; env TS_LOCAL_CHAIN_DIR).")
    Path localChainDir;

    @Option(names = "--local-chain.block-time", defaultValue = "12s", paramLabel = "<duration>",
            converter = DurationConverter.class,
            description = "Block time of a new embedded chain, e.g. 2s (default: ${DEFAULT-VALUE}; an existing chain keeps its own).")
    Duration blockTime;

    private final CountDownLatch started = new CountDownLatch(1);
    private volatile int boundPort = -1;
    private volatile Shutdown shutdown;
    private volatile boolean stopAsked;

    @Override
    public Integer call() {
        logging.apply();
        RoundClock clock = roundClock();
        checkFlags();
        try (Operations operations = ops.open(new LogIdentity("orchestrator", "", netuid))) {
            shutdown = operations.shutdown();
            if (stopAsked) {
                shutdown.request();
            }
            OrchestratorMetrics metrics = new OrchestratorMetrics(operations.metrics());
            run(clock, metrics, operations.shutdown());
        } finally {
            started.countDown();
        }
        return ExitCodes.OK;
    }

    private void run(RoundClock clock, OrchestratorMetrics metrics, Shutdown stop) {
        ObjectStore baseStore = openBaseStore(metrics);
        try (Chain chain = openChain();
                Roster roster = Roster.open(stateDir.resolve("roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC())) {
            History history = History.open(stateDir.resolve("history.json"), Clock.systemUTC());
            BaseRevisionSource base = baseStore == null ? BaseRevisionSource.NONE
                    : new StoreBaseRevisionSource(baseStore, LATEST_MAX_AGE, Clock.systemUTC());
            RoundTracker rounds = new RoundTracker(chain, clock, base);
            AssignmentSource assignments;
            SubnetWatcher.Builder watch = SubnetWatcher.builder().setChain(chain).setNetuid(netuid).setRounds(rounds)
                    .setHistory(history).setMetrics(metrics).optRoster(roster);
            if (datasetFingerprint != null) {
                assignments = fixedAssignments();
                log.info("Assignments from --assign.fingerprint {}…: {} pages, {} per miner",
                        datasetFingerprint.substring(0, Math.min(12, datasetFingerprint.length())), pageCount, pagesPerMiner);
            } else {
                DatasetAssignments derived = new DatasetAssignments(pagesPerMiner, data == null
                        ? "no dataset is configured: start the orchestrator with --data and --base.location, or "
                                + "--assign.fingerprint and --assign.page-count"
                        : "waiting for the base model (its tokenizer and context length) to cut --data into pages");
                assignments = derived;
                if (data != null) {
                    watch.optBaseModels(new BaseModels(baseStore, stateDir.resolve("models"), maxModelBytes));
                    watch.optDataset(new DatasetPages(data, dataCache, textField, tokenCache), derived);
                    if (evalPages > 0) {
                        watch.optLossProbe(new BaseLossProbe(evalPages, TorchRuntime.device(device)));
                    }
                } else {
                    log.warn("No --data: /v1/assignment answers 503 and the dashboard shows no loss; give the miners' "
                            + "--data (and --base.location)");
                }
            }
            try (SubnetWatcher watcher = watch.build()) {
                HttpSettings settings = httpSettings();
                OrchestratorServer.Builder server = OrchestratorServer.builder().setChain(chain).setNetuid(netuid)
                        .setRoundClock(clock).setRoster(roster).optBaseRevisions(base).optAssignments(assignments)
                        .optSettings(settings).optMetrics(metrics).optHistory(history).optChainView(watcher::snapshot);
                if (validatorState != null) {
                    server.optValidatorReports(new ValidatorReports(validatorState));
                }
                try (OrchestratorServer api = server.build().start()) {
                    boundPort = api.port();
                    log.info("Dashboard on http://{}:{}/", httpHost, boundPort);
                    metrics.daemon().health().running();
                    started.countDown();
                    loop(watcher, metrics, stop);
                }
            }
            history.persist();
            log.info("Orchestrator stopped; roster of {} hotkeys and history of {} revisions saved in {}", roster.size(),
                    history.revisions().size(), stateDir);
        } finally {
            if (baseStore != null) {
                baseStore.close();
            }
        }
    }

    private void loop(SubnetWatcher watcher, OrchestratorMetrics metrics, Shutdown stop) {
        try {
            do {
                try {
                    watcher.tick();
                } catch (RuntimeException e) {
                    metrics.error("internal");
                    log.error("Watcher failed; continuing", e);
                }
            } while (!stop.sleep(POLL_INTERVAL));
            log.info("Stop requested; closing the API");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks a running command to stop; {@link #call()} then closes the server and returns. */
    void requestStop() {
        stopAsked = true;
        Shutdown s = shutdown;
        if (s != null) {
            s.request();
        }
    }

    /** Waits until the server listens (or the command failed) and returns its port, or -1. */
    int awaitPort(Duration timeout) throws InterruptedException {
        started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return boundPort;
    }

    private HttpSettings httpSettings() {
        try {
            HttpLimits limits = HttpLimits.api().toBuilder().optRequestsPerSecondPerAddress(requestsPerSecond)
                    .optBurstPerAddress((int) Math.max(1, Math.min(1_000_000, Math.ceil(2 * requestsPerSecond)))).build();
            return HttpSettings.defaults().withAddress(httpHost, httpPort).withMaxBodyBytes(maxBodyBytes)
                    .withLimits(limits).withPublicHosts(publicHosts == null ? List.of() : publicHosts.stream()
                            .map(String::strip).filter(h -> !h.isEmpty()).toList());
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "invalid --http settings: " + e.getMessage());
        }
    }

    private RoundClock roundClock() {
        if (roundBlocks < 1 || deadlineMargin < 0 || deadlineMargin >= roundBlocks) {
            throw new ExitException(ExitCodes.USAGE, "need --round.blocks >= 1 and 0 <= --round.deadline-margin < "
                    + "--round.blocks, got " + roundBlocks + " and " + deadlineMargin);
        }
        return new RoundClock(roundBlocks, deadlineMargin);
    }

    private void checkFlags() {
        if (baseLocation != null && baseDir != null) {
            throw new ExitException(ExitCodes.USAGE, "give --base.location or --base.dir, not both");
        }
        if ((datasetFingerprint == null) != (pageCount == null)) {
            throw new ExitException(ExitCodes.USAGE, "--assign.fingerprint and --assign.page-count go together");
        }
        if (pagesPerMiner < 1) {
            throw new ExitException(ExitCodes.USAGE, "--assign.pages must be at least 1, got " + pagesPerMiner);
        }
        if (evalPages < 0) {
            throw new ExitException(ExitCodes.USAGE, "--dashboard.eval-pages must not be negative, got " + evalPages);
        }
        if (data != null && baseLocation == null && baseDir == null && datasetFingerprint == null) {
            throw new ExitException(ExitCodes.USAGE, "--data needs --base.location (the base model's tokenizer and "
                    + "context length cut the data into pages)");
        }
        if (datasetFingerprint != null) {
            fixedAssignments();
        }
        httpSettings();
    }

    private SampledAssignments fixedAssignments() {
        try {
            return new SampledAssignments(datasetFingerprint, pageCount, pagesPerMiner);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "invalid assignment settings: " + e.getMessage());
        }
    }

    private ObjectStore openBaseStore(OrchestratorMetrics metrics) {
        String location = baseLocation != null ? baseLocation : baseDir == null ? null
                : baseDir.toAbsolutePath().normalize().toUri().toString();
        if (location == null) {
            log.info("No --base.location: the base revision is unknown");
            return null;
        }
        try {
            ObjectStore store = ObjectStores.open(location, StorageOptions.fromEnvironment(System.getenv()));
            return new MeteredObjectStore(store, metrics.daemon());
        } catch (StorageException | IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--base.location " + location + ": " + e.getMessage());
        }
    }

    private Chain openChain() {
        ChainSettings settings;
        try {
            settings = ChainSettings.fromFlags(network, endpoint, localChainDir, System::getenv);
        } catch (IllegalArgumentException | ChainException e) {
            throw new ExitException(ExitCodes.USAGE, e.getMessage());
        }
        if (!settings.isEmbedded()) {
            // A real network: the orchestrator only reads the chain.
            Chain chain;
            try {
                chain = Chains.connect(settings);
            } catch (ChainException e) {
                throw new ExitException(ExitCodes.STATE, e.getMessage(), e);
            }
            log.info("Chain {}, netuid {}", settings.describe(), netuid);
            return chain;
        }
        // Local mode: this orchestrator hosts the embedded chain, creating it and the subnet if needed.
        Path dir = settings.embeddedDirectory();
        LocalChain chain = LocalChain.builder().setDirectory(dir).optBlockTime(blockTime).build();
        try {
            if (!chain.subnetExists(netuid)) {
                chain.createSubnet(netuid, LocalSubnetConfig.defaults());
            }
        } catch (ChainException e) {
            if (!chain.subnetExists(netuid)) {
                throw e;
            }
            // another process created it at the same time
        }
        log.info("Embedded chain {} (block time {} ms), netuid {}", dir, chain.blockTime().toMillis(), netuid);
        return chain;
    }
}
