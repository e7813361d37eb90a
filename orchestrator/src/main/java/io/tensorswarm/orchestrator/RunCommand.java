package io.tensorswarm.orchestrator;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainSettings;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.orchestrator.http.HttpSettings;
import io.tensorswarm.orchestrator.http.OrchestratorServer;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.BaseRevisionSource;
import io.tensorswarm.orchestrator.round.FileBaseRevisionSource;
import io.tensorswarm.orchestrator.round.SampledAssignments;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
 * roster) for one subnet until stopped, logging a line per round change. In local mode ({@code
 * --subtensor.network embedded}) it opens the embedded chain in {@code --local-chain.dir}, creating
 * the chain and the subnet when missing. SIGTERM (or Ctrl-C) closes the server and persists the
 * roster before the JVM exits.
 *
 * <pre>{@code
 * java -jar orchestrator.jar run --netuid 1 --local-chain.dir ./chain --local-chain.block-time 2s --state.dir ./orch
 * }</pre>
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Serve the orchestrator HTTP API (round clock, assignments, heartbeats, roster) until stopped.")
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    /** How often the round clock is polled for the round-change log line. */
    static final Duration POLL_INTERVAL = Duration.ofSeconds(1);

    @Mixin LoggingMixin logging;

    @Option(names = "--netuid", defaultValue = "${env:TS_NETUID:-1}", paramLabel = "<n>",
            description = "Subnet id (default: ${DEFAULT-VALUE}; env TS_NETUID).")
    int netuid;

    @Option(names = "--http.host", defaultValue = "${env:TS_HTTP_HOST:-127.0.0.1}", paramLabel = "<addr>",
            description = "Address to listen on (default: ${DEFAULT-VALUE}; env TS_HTTP_HOST).")
    String httpHost;

    @Option(names = "--http.port", defaultValue = "${env:TS_HTTP_PORT:-8484}", paramLabel = "<port>",
            description = "Port to listen on, 0 for any free one (default: ${DEFAULT-VALUE}; env TS_HTTP_PORT).")
    int httpPort;

    @Option(names = "--http.max-body-bytes", defaultValue = "16384", paramLabel = "<n>",
            description = "Largest request body accepted (default: ${DEFAULT-VALUE}).")
    int maxBodyBytes;

    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-100}", paramLabel = "<n>",
            description = "Blocks per round (default: ${DEFAULT-VALUE}; env TS_ROUND_BLOCKS).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-10}", paramLabel = "<n>",
            description = "Blocks between a round's upload deadline and the next round (default: ${DEFAULT-VALUE}; "
                    + "env TS_ROUND_DEADLINE_MARGIN).")
    long deadlineMargin;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-orchestrator-state}", paramLabel = "<dir>",
            description = "Folder for the orchestrator's persistent state (default: ${DEFAULT-VALUE}; env TS_STATE_DIR).")
    Path stateDir;

    @Option(names = "--base.dir", defaultValue = "${env:TS_BASE_DIR}", paramLabel = "<dir>",
            description = "Folder holding the 'latest' base-revision pointer (local storage root); none by default.")
    Path baseDir;

    @Option(names = "--assign.fingerprint", paramLabel = "<hex>",
            description = "Dataset fingerprint (64 hex) page assignments are drawn for; without it /v1/assignment answers 503.")
    String datasetFingerprint;

    @Option(names = "--assign.page-count", paramLabel = "<n>", description = "Pages in the dataset.")
    Long pageCount;

    @Option(names = "--assign.pages", defaultValue = "8", paramLabel = "<n>",
            description = "Pages assigned to each miner per round (default: ${DEFAULT-VALUE}).")
    int pagesPerMiner;

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
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile int boundPort = -1;

    @Override
    public Integer call() {
        logging.apply();
        RoundClock clock = roundClock();
        AssignmentSource assignments = assignments();
        BaseRevisionSource base = baseDir == null ? BaseRevisionSource.NONE : new FileBaseRevisionSource(baseDir);
        Thread hook = new Thread(this::stopFromSignal, "orchestrator-shutdown");
        try (Chain chain = openChain()) {
            Roster roster = Roster.open(stateDir.resolve("roster.json"), Roster.DEFAULT_CAPACITY, Clock.systemUTC());
            HttpSettings settings = HttpSettings.defaults().withAddress(httpHost, httpPort).withMaxBodyBytes(maxBodyBytes);
            try (OrchestratorServer server = OrchestratorServer.builder().setChain(chain).setNetuid(netuid)
                    .setRoundClock(clock).setRoster(roster).optBaseRevisions(base).optAssignments(assignments)
                    .optSettings(settings).build().start()) {
                boundPort = server.port();
                Runtime.getRuntime().addShutdownHook(hook);
                started.countDown();
                runUntilStopped(server);
            }
            log.info("Orchestrator stopped; roster of {} hotkeys saved in {}", roster.size(), stateDir);
        } finally {
            started.countDown();
            stopped.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the JVM is exiting: the hook is running or about to
            }
        }
        return ExitCodes.OK;
    }

    private void runUntilStopped(OrchestratorServer server) {
        try {
            do {
                try {
                    server.rounds().poll();
                } catch (RuntimeException e) {
                    log.warn("Cannot read the round status: {}", e.getMessage());
                }
            } while (!stopRequested.await(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void stopFromSignal() {
        log.info("Stopping on signal");
        requestStop();
        try {
            stopped.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Asks a running command to stop; {@link #call()} then closes the server and returns. */
    void requestStop() {
        stopRequested.countDown();
    }

    /** Waits until the server listens (or the command failed) and returns its port, or -1. */
    int awaitPort(Duration timeout) throws InterruptedException {
        started.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        return boundPort;
    }

    private RoundClock roundClock() {
        if (roundBlocks < 1 || deadlineMargin < 0 || deadlineMargin >= roundBlocks) {
            throw new ExitException(ExitCodes.USAGE, "need --round.blocks >= 1 and 0 <= --round.deadline-margin < "
                    + "--round.blocks, got " + roundBlocks + " and " + deadlineMargin);
        }
        return new RoundClock(roundBlocks, deadlineMargin);
    }

    private AssignmentSource assignments() {
        if (datasetFingerprint == null && pageCount == null) {
            log.info("No --assign.fingerprint/--assign.page-count: /v1/assignment will answer 503");
            return null;
        }
        if (datasetFingerprint == null || pageCount == null) {
            throw new ExitException(ExitCodes.USAGE, "--assign.fingerprint and --assign.page-count go together");
        }
        try {
            return new SampledAssignments(datasetFingerprint, pageCount, pagesPerMiner);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "invalid assignment settings: " + e.getMessage());
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
