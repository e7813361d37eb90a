package io.tensorswarm.validator;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.cli.OrchestratorOptions;
import io.tensorswarm.chain.cli.PendingRevealStore;
import io.tensorswarm.chain.cli.WalletOptions;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.DataOptions;
import io.tensorswarm.common.cli.DeviceOption;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.AcceptedCodecsOption;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.OpsOptions;
import io.tensorswarm.common.cli.PrecisionOption;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.Shutdown;
import io.tensorswarm.common.protocol.RoundTiming;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.LocatorSchemes;
import io.tensorswarm.protocol.scoring.ScreenConfig;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import io.tensorswarm.validator.run.RunConfig;
import io.tensorswarm.validator.run.Validator;
import io.tensorswarm.validator.run.WeightSubmitter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code validator run}: the validator daemon. After each round's deadline it scores every miner's
 * committed delta, keeps moving scores under {@code --state.dir}, writes {@code rounds/<r>.json}
 * there and sets weights on chain. Serves metrics and health with {@code --metrics.port}; on SIGTERM
 * it stops at the next safe point within {@code --shutdown.grace}. See {@code docs/validator.md}.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        sortOptions = true,
        description = "Run the validator: score miners' deltas every round and set weights.",
        footer = {
            "",
            "State (--state.dir): scores.json, rounds/<r>.json, pending-reveals-<hotkey>.json (shared with 'chain "
                    + "reveal --state.dir'), models/ and cache/. Every file is replaced atomically.",
            "SIGTERM stops at the next safe point: while waiting for a deadline, or before the next miner's fetch or "
                    + "evaluation (the round is then abandoned, nothing of it saved, and redone by a restart before "
                    + "the next deadline); the exit status is then 143. See docs/validator.md."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Mixin LoggingMixin logging;
    @Mixin DataOptions data;
    @Mixin DeviceOption device;
    @Mixin PrecisionOption precision;
    @Mixin AcceptedCodecsOption codecs;
    @Mixin ChainOptions chainOptions;
    @Mixin WalletOptions walletOptions;
    @Mixin OpsOptions opsOptions;

    @Option(names = "--netuid", required = true, defaultValue = "${env:TS_NETUID}", paramLabel = "<n>",
            description = "Subnet id (env TS_NETUID).")
    int netuid;

    @Option(names = "--base.location", required = true, defaultValue = "${env:TS_BASE_LOCATION}", paramLabel = "<uri>",
            description = "Store holding the base models and the latest pointer (the averager's; env TS_BASE_LOCATION).")
    String baseLocation;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-work/validator}", paramLabel = "<dir>",
            description = "Scores, round results, pending reveals and caches (default: ${DEFAULT-VALUE}; env "
                    + "TS_STATE_DIR).")
    Path stateDir;

    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_ROUND_BLOCKS + "}", paramLabel = "<n>",
            description = "Blocks per round (default: ${DEFAULT-VALUE}; env TS_ROUND_BLOCKS).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_DEADLINE_MARGIN + "}", paramLabel = "<n>",
            description = "Blocks between a round's commit deadline and its end: the upload window, in which miners upload "
                    + "what they committed (default: ${DEFAULT-VALUE}; env TS_ROUND_DEADLINE_MARGIN).")
    long deadlineMargin;

    @Option(names = "--max-delta-mb", defaultValue = "${env:TS_MAX_DELTA_MB:-4096}", paramLabel = "<MB>",
            description = "Ceiling on any delta fetched; below it each delta is bounded by what its codec can write "
                    + "for the base's tensors (default: ${DEFAULT-VALUE}; env TS_MAX_DELTA_MB).")
    long maxDeltaMb;

    @Option(names = "--download-timeout-s", defaultValue = "${env:TS_DOWNLOAD_TIMEOUT_S:-600}", paramLabel = "<s>",
            description = "Longest time fetching one miner's manifest, delta header and delta may take, seconds "
                    + "(default: ${DEFAULT-VALUE}; env TS_DOWNLOAD_TIMEOUT_S).")
    long downloadTimeoutSeconds;

    @Option(names = "--assigned-pages", defaultValue = "${env:TS_PAGES:-32}", paramLabel = "<n>",
            description = "Pages assigned to each miner per round; must match the miners (default: ${DEFAULT-VALUE}; "
                    + "env TS_PAGES).")
    int assignedPages;

    @Option(names = "--eval-pages", defaultValue = "${env:TS_EVAL_PAGES:-8}", paramLabel = "<n>",
            description = "Unassigned evaluation pages per round (default: ${DEFAULT-VALUE}; env TS_EVAL_PAGES).")
    int evalPages;

    @Option(names = "--batch-size", defaultValue = "${env:TS_BATCH_SIZE:-8}", paramLabel = "<n>",
            description = "Pages per forward pass (default: ${DEFAULT-VALUE}; env TS_BATCH_SIZE).")
    int batchSize;

    @Option(names = "--ema-alpha", defaultValue = "${env:TS_EMA_ALPHA:-0.3}", paramLabel = "<a>",
            description = "Weight of a new round in the moving score, in (0, 1] (default: ${DEFAULT-VALUE}; env "
                    + "TS_EMA_ALPHA).")
    double emaAlpha;

    @Option(names = "--bonus", defaultValue = "${env:TS_BONUS:-0.1}", paramLabel = "<fraction>",
            description = "Assigned-page bonus fraction (default: ${DEFAULT-VALUE}; env TS_BONUS).")
    double bonus;

    @Option(names = "--policy", defaultValue = "${env:TS_POLICY:-score}", paramLabel = "score|tiered",
            description = "How round scores are made: loss improvement (score) or 1.0/0.3/0.1 tiers (tiered) "
                    + "(default: ${DEFAULT-VALUE}; env TS_POLICY).")
    String policy;

    @Option(names = "--loss-anomaly", defaultValue = "${env:TS_LOSS_ANOMALY:-false}",
            description = "Flag loss outliers (MAD) in logs and results (env TS_LOSS_ANOMALY).")
    boolean lossAnomaly;

    @Option(names = "--locators.allow", split = ",", defaultValue = "${env:TS_LOCATORS_ALLOW:-" + LocatorSchemes.DEFAULT + "}",
            paramLabel = "<scheme>",
            description = "Storage schemes accepted in miners' on-chain locators, comma-separated; other locators "
                    + "score 0 with reason 'locator not allowed'. file must be opted in (local subnets only): a file "
                    + "locator points the validator at its own disk (default: ${DEFAULT-VALUE}; env TS_LOCATORS_ALLOW).")
    List<String> locatorsAllow;

    @Mixin OrchestratorOptions orchestratorOptions;

    @Option(names = "--once", description = "Run one round and exit.")
    boolean once;

    @Option(names = "--rounds", defaultValue = "${env:TS_ROUNDS:-0}", paramLabel = "<n>",
            description = "Run this many rounds and exit; 0 = until stopped (default: ${DEFAULT-VALUE}; env TS_ROUNDS).")
    long rounds;

    @Override
    public Integer call() {
        logging.apply();
        io.tensorswarm.protocol.scoring.RoundScorer.Policy p = switch (policy) {
            case "score" -> io.tensorswarm.protocol.scoring.RoundScorer.Policy.SCORE;
            case "tiered" -> io.tensorswarm.protocol.scoring.RoundScorer.Policy.TIERED;
            default -> throw new ExitException(ExitCodes.USAGE, "--policy must be score or tiered, got " + policy);
        };
        RunConfig config;
        try {
            config = new RunConfig(netuid, new RoundTiming(roundBlocks, deadlineMargin, 0).check().clock(), stateDir,
                    maxDeltaMb << 20,
                    Duration.ofSeconds(downloadTimeoutSeconds), assignedPages, evalPages, batchSize, emaAlpha, bonus, p,
                    lossAnomaly, ScreenConfig.defaults(), precision.get());
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, e.getMessage());
        }
        LocatorSchemes schemes = LocatorSchemes.parseOption(String.join(",", locatorsAllow));
        StorageOptions storage = StorageOptions.fromEnvironment(System.getenv());
        Sr25519KeyPair hotkey = Wallet.load(walletOptions.paths(), NaclKeyfileCipher.STANDARD).hotkey();
        OrchestratorClient orchestrator = orchestratorOptions.client(hotkey, netuid);
        try (Operations operations = opsOptions.open(new LogIdentity("validator", hotkey.ss58Address(), netuid));
                HeartbeatReporter heartbeats = OrchestratorOptions.heartbeats(orchestrator, operations.metrics());
                Chain chain = Chains.connect(chainOptions.settings(System::getenv));
                ObjectStore baseStore = new MeteredObjectStore(ObjectStores.open(baseLocation, storage),
                        operations.metrics())) {
            DaemonMetrics metrics = operations.metrics();
            Shutdown shutdown = operations.shutdown();
            WeightSubmitter weights = new WeightSubmitter(netuid, hotkey,
                    PendingRevealStore.forHotkey(stateDir, hotkey.ss58Address()));
            DeltaFetcher fetcher = DeltaFetcher.builder()
                    .setStoreOpener(loc -> new MeteredObjectStore(ObjectStores.open(loc, storage), metrics))
                    .setVerifier(new Sr25519SignatureVerifier())
                    .setMaxDeltaBytes(config.maxDeltaBytes())
                    .optTimeout(config.downloadTimeout())
                    .optAllowedSchemes(schemes)
                    .optAcceptedCodecs(codecs.get())
                    .optStopRequested(shutdown::requested)
                    .build();
            BaseModelSource base = new BaseModelSource(baseStore, stateDir.resolve("models"), 64L << 30);
            Validator validator = Validator.builder()
                    .setConfig(config)
                    .setChain(chain)
                    .setWeights(weights)
                    .setFetcher(fetcher)
                    .setBaseSource(base)
                    .setPagesOpener(tokenizer -> pageLength -> data.open(tokenizer, pageLength))
                    .optDevice(device.resolve())
                    .optSleeper(millis -> sleep(shutdown, millis))
                    .optMetrics(metrics)
                    .optStopRequested(shutdown::requested)
                    .optHeartbeats(heartbeats)
                    .build();
            metrics.health().running();
            log.info("validating subnet {} from block {}; locators allowed: {}; codecs accepted: {}; metrics port {}",
                    netuid, chain.currentBlock(), schemes, codecs.get(), operations.metricsPort());
            validator.run(once ? 1 : rounds <= 0 ? Long.MAX_VALUE : rounds);
        }
        return ExitCodes.OK;
    }

    private static void sleep(Shutdown shutdown, long millis) {
        try {
            shutdown.sleep(Duration.ofMillis(millis));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown.request();
        }
    }
}
