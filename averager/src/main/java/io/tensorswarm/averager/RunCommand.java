package io.tensorswarm.averager;

import io.tensorswarm.averager.merge.MergeConfig;
import io.tensorswarm.averager.merge.MergeStateException;
import io.tensorswarm.averager.merge.MixingConfig;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.averager.run.AveragerRound;
import io.tensorswarm.averager.run.AveragerSettings;
import io.tensorswarm.averager.run.MergeReport;
import io.tensorswarm.averager.run.ModelPublisher;
import io.tensorswarm.averager.run.PublishException;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.cli.ChainOptions;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.cli.DataOptions;
import io.tensorswarm.common.cli.DeviceOption;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.AcceptedCodecsOption;
import io.tensorswarm.common.cli.LoggingMixin;
import io.tensorswarm.common.cli.OpsOptions;
import io.tensorswarm.common.cli.PrecisionOption;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.Shutdown;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.RoundTiming;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.LocatorSchemes;
import io.tensorswarm.storage.MeteredObjectStore;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code averager run}: the averager daemon. For each round {@code r}, once the chain reaches the end
 * of the round's upload window plus {@code --merge.delay-blocks} ({@link RoundTiming#mergeStartBlock}),
 * runs {@link AveragerRound} (score every miner with the validators' code, merge the best G, publish
 * when the held-out loss improves, append the base history), and writes {@code
 * <state>/merges/<r>.json}. Every round is merged, in order; one that finishes late is the base of a
 * later round. Resumes after the last round with a report.
 *
 * <p>Operations ({@link OpsOptions}): logs carry {@code [averager netuid=<n>]}; metrics report the
 * round, the base and merged check losses, bytes moved through every store, errors by kind and
 * completed rounds. On SIGTERM the daemon stops waiting at once, abandons a round that has not
 * started publishing (no report, so a restart runs it again) and finishes one that has; the JVM
 * then exits with 143.
 */
@Command(
        name = "run",
        mixinStandardHelpOptions = true,
        description = "Run the averager: merge each round's best deltas and publish the next base model.",
        footer = {"",
                "SIGTERM stops it within --shutdown.grace: a round that has not started publishing is abandoned "
                        + "(no report; it runs again after a restart), one that has is finished; exit code 143.",
                "Exit codes: 0 done (--once/--rounds), 1 failure, 2 usage, 4 internal error. See docs/averager.md."})
public final class RunCommand implements Callable<Integer> {
    private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;
    @Mixin OpsOptions opsOptions;
    @Mixin ChainOptions chainOptions;
    @Mixin DataOptions data;
    @Mixin AcceptedCodecsOption codecs;
    @Mixin DeviceOption device;
    @Mixin PrecisionOption precision;

    @Option(names = "--netuid", required = true, defaultValue = "${env:TS_NETUID}", paramLabel = "<n>",
            description = "Subnet (env TS_NETUID).")
    int netuid;

    @Option(names = "--storage.location", required = true, defaultValue = "${env:TS_STORAGE_LOCATION}",
            paramLabel = "<uri>",
            description = "The averager's own store: latest and models/<rev>/ (= the miners' --base.location; env TS_STORAGE_LOCATION).")
    String location;

    @Option(names = "--locators.allow", defaultValue = "${env:TS_LOCATORS_ALLOW:-" + LocatorSchemes.DEFAULT + "}",
            paramLabel = "<schemes>",
            description = "Storage schemes a miner's on-chain locator may use, comma-separated; file must be opted in "
                    + "(local subnets) because locators are untrusted (default: ${DEFAULT-VALUE}; env TS_LOCATORS_ALLOW).")
    String locatorsAllow;

    @Option(names = "--state.dir", defaultValue = "${env:TS_STATE_DIR:-work/averager}", paramLabel = "<dir>",
            description = "Persistent state: outer momentum, merges/<r>.json, model cache (default: ${DEFAULT-VALUE}; env TS_STATE_DIR).")
    Path stateDir;

    @Option(names = "--round.blocks", defaultValue = "${env:TS_ROUND_BLOCKS:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_ROUND_BLOCKS + "}", paramLabel = "<n>",
            description = "Blocks per round (default: ${DEFAULT-VALUE}; env TS_ROUND_BLOCKS).")
    long roundBlocks;

    @Option(names = "--round.deadline-margin", defaultValue = "${env:TS_ROUND_DEADLINE_MARGIN:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_DEADLINE_MARGIN + "}", paramLabel = "<n>",
            description = "Blocks between a round's commit deadline and its end: the upload window, in which miners upload "
                    + "what they committed (default: ${DEFAULT-VALUE}; env TS_ROUND_DEADLINE_MARGIN).")
    long deadlineMargin;

    @Option(names = "--merge.delay-blocks", defaultValue = "${env:TS_MERGE_DELAY_BLOCKS:-" + io.tensorswarm.common.protocol.RoundTiming.DEFAULT_MERGE_DELAY + "}", paramLabel = "<n>",
            description = "Blocks after a round's upload window closes before merging it, in [0, round blocks - 3] "
                    + "(default: ${DEFAULT-VALUE}; env TS_MERGE_DELAY_BLOCKS).")
    long delayBlocks;

    @Option(names = "--merge.top-g", defaultValue = "${env:TS_MERGE_TOP_G:-3}", paramLabel = "<n>",
            description = "Deltas merged per round: the G best round scores, scored as validators score them "
                    + "(default: ${DEFAULT-VALUE}; env TS_MERGE_TOP_G).")
    int topG;

    @Option(names = "--eval-pages", defaultValue = "${env:TS_EVAL_PAGES:-8}", paramLabel = "<n>",
            description = "Unassigned evaluation pages per round when scoring miners, as the validators' "
                    + "--eval-pages (default: ${DEFAULT-VALUE}; env TS_EVAL_PAGES).")
    int evalPages;

    @Option(names = "--merge.fit-pages", defaultValue = "${env:TS_MERGE_FIT_PAGES:-32}", paramLabel = "<n>",
            description = "Held-out pages the mixing weights are learned on (default: ${DEFAULT-VALUE}; env TS_MERGE_FIT_PAGES).")
    int fitPages;

    @Option(names = "--merge.check-pages", defaultValue = "${env:TS_MERGE_CHECK_PAGES:-32}", paramLabel = "<n>",
            description = "Held-out pages the acceptance test runs on (default: ${DEFAULT-VALUE}; env TS_MERGE_CHECK_PAGES).")
    int checkPages;

    @Option(names = "--merge.mixing-iterations", defaultValue = "${env:TS_MERGE_MIXING_ITERATIONS:-6}", paramLabel = "<n>",
            description = "Mixing-weight optimisation steps; 0 = uniform (default: ${DEFAULT-VALUE}; env TS_MERGE_MIXING_ITERATIONS).")
    int mixingIterations;

    @Option(names = "--merge.batch-size", defaultValue = "${env:TS_MERGE_BATCH_SIZE:-8}", paramLabel = "<n>",
            description = "Pages per forward (and, fitting the mixing weights, backward) pass while merging and "
                    + "scoring; a gradient pass of gpt2 on 1024-token pages needs about 3 GB per page "
                    + "(default: ${DEFAULT-VALUE}; env TS_MERGE_BATCH_SIZE).")
    int batchSize;

    @Option(names = "--miner.pages", defaultValue = "${env:TS_PAGES:-32}", paramLabel = "<n>",
            description = "Pages each miner is assigned per round; the averager's pages avoid them (default: ${DEFAULT-VALUE}; env TS_PAGES).")
    int minerPages;

    @Option(names = "--outer.lr", defaultValue = "${env:TS_OUTER_LR:-0.7}", paramLabel = "<x>",
            description = "Outer learning rate (default: ${DEFAULT-VALUE}; env TS_OUTER_LR).")
    float outerLr;

    @Option(names = "--outer.momentum", defaultValue = "${env:TS_OUTER_MOMENTUM:-0.9}", paramLabel = "<x>",
            description = "Outer Nesterov momentum; reset to zero whenever a step with it is rejected (default: ${DEFAULT-VALUE}; env TS_OUTER_MOMENTUM).")
    float outerMomentum;

    @Option(names = "--delta.max-bytes", defaultValue = "${env:TS_DELTA_MAX_BYTES:-4294967296}", paramLabel = "<n>",
            description = "Largest delta file fetched (default: ${DEFAULT-VALUE}; env TS_DELTA_MAX_BYTES).")
    long maxDeltaBytes;

    @Option(names = "--start-round", defaultValue = "${env:TS_START_ROUND}", paramLabel = "<r>",
            description = "First round to merge on a fresh state dir; a restart still resumes after the newest merges/<r>.json "
                    + "(default: resume, else the previous round; env TS_START_ROUND).")
    Long startRound;

    @Option(names = "--once", defaultValue = "${env:TS_ONCE:-false}",
            description = "Merge one round, then exit; errors then fail the command (env TS_ONCE).")
    boolean once;

    @Option(names = "--rounds", defaultValue = "${env:TS_ROUNDS:-0}", paramLabel = "<n>",
            description = "Merge N rounds, then exit (errors then fail the command); 0 = forever, logging errors and going on "
                    + "(default: ${DEFAULT-VALUE}; env TS_ROUNDS).")
    int rounds;

    @Option(names = "--poll-seconds", defaultValue = "${env:TS_POLL_SECONDS:-2}", paramLabel = "<s>",
            description = "How often to read the block number while waiting (default: ${DEFAULT-VALUE}; env TS_POLL_SECONDS).")
    double pollSeconds;

    @Override
    public Integer call() throws IOException, InterruptedException {
        logging.apply();
        RoundClock clock;
        RoundTiming timing;
        LocatorSchemes locators = LocatorSchemes.parseOption(locatorsAllow);
        try {
            timing = new RoundTiming(roundBlocks, deadlineMargin, delayBlocks).check();
            clock = timing.clock();
            new OuterOptimizer(outerLr, outerMomentum); // validates the hyperparameters before anything starts
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, e.getMessage());
        }
        int limit = once ? 1 : rounds;
        StorageOptions storageOptions = StorageOptions.fromEnvironment(System.getenv());
        try (Operations ops = opsOptions.open(new LogIdentity("averager", "", netuid));
                Chain chain = Chains.connect(chainOptions.settings(System::getenv));
                ObjectStore store = new MeteredObjectStore(ObjectStores.open(location, storageOptions),
                        ops.metrics())) {
            DaemonMetrics metrics = ops.metrics();
            Shutdown shutdown = ops.shutdown();
            LatestPointer latest = ModelPublisher.readLatest(store).orElseThrow(() -> new ExitException(
                    ExitCodes.FAILURE, "no latest in " + store.location() + "; seed it with `averager publish`"));
            Path baseDir = new BaseModelSource(store, stateDir.resolve("models"), BaseModelSource.DEFAULT_MAX_MODEL_BYTES)
                    .fetch(latest.revision()).dir();
            GptConfig gpt = ModelDirectory.readConfig(baseDir);
            AveragerSettings settings;
            try {
                settings = new AveragerSettings(netuid, clock, topG, fitPages, checkPages, minerPages, maxDeltaBytes,
                        outerLr, outerMomentum,
                        new MergeConfig(
                                MixingConfig.defaults().withIterations(mixingIterations).withBatchSize(batchSize),
                                batchSize, precision.get()),
                        stateDir,
                        device.resolve(), evalPages);
            } catch (IllegalArgumentException e) {
                throw new ExitException(ExitCodes.USAGE, e.getMessage());
            }
            DeltaFetcher fetcher = DeltaFetcher.builder()
                    .setStoreOpener(loc -> new MeteredObjectStore(ObjectStores.open(loc, storageOptions), metrics))
                    .setVerifier(new Sr25519SignatureVerifier())
                    .setMaxDeltaBytes(maxDeltaBytes)
                    .optAllowedSchemes(locators)
                    .optAcceptedCodecs(codecs.get())
                    .optStopRequested(shutdown::requested)
                    .build();
            try (Tokenizer tokenizer = Tokenizers.forModelDir(baseDir, gpt.vocabSize());
                    TokenPages pages = data.open(tokenizer, gpt.nPositions())) {
                AveragerRound step = new AveragerRound(chain, store, pages, fetcher, settings, metrics,
                        shutdown::requested);
                long round = firstRound(chain, clock);
                metrics.health().running();
                log.info("started at round {} (latest {}; locators {}; codecs {}; outer lr {} momentum {})", round,
                        latest.revision(), locators, codecs.get(), outerLr, outerMomentum);
                for (int done = 0; limit == 0 || done < limit; done++, round++) {
                    long mergeBlock = timing.mergeStartBlock(round);
                    if (!waitForBlock(chain, mergeBlock, round, ops, limit == 0)) {
                        break;
                    }
                    metrics.round(round);
                    try {
                        MergeReport report = step.run(round);
                        metrics.roundCompleted();
                        spec.commandLine().getOut().println("r=" + round + " " + report.note()
                                + (report.accepted() ? " " + report.newRevision() : ""));
                        spec.commandLine().getOut().flush();
                    } catch (CancellationException e) {
                        log.info("r={} abandoned ({}); latest, momentum and reports are unchanged", round,
                                e.getMessage());
                        break;
                    } catch (ChainException e) {
                        metrics.error("chain");
                        failed(e, round, limit);
                    } catch (PublishException e) {
                        metrics.error("publish");
                        failed(e, round, limit);
                    } catch (MergeStateException e) {
                        // The averager's own state (momentum) is unusable: every later round would fail the
                        // same way, so stop and say which file, rather than skip rounds forever.
                        metrics.error("state");
                        throw e;
                    } catch (TensorswarmException e) {
                        metrics.error("round");
                        failed(e, round, limit);
                    }
                    if (shutdown.requested()) {
                        break;
                    }
                }
                if (shutdown.requested()) {
                    log.info("stop requested; the loop returned at a safe point");
                }
            }
        }
        return ExitCodes.OK;
    }

    /** Rethrows in --once/--rounds mode (the command fails); logs and goes on in forever mode. */
    private static void failed(RuntimeException e, long round, int limit) {
        if (limit != 0) {
            throw e;
        }
        log.error("r={} round failed: {}", round, e.getMessage());
    }

    /**
     * Returns the first round to merge: the round after the newest report, but not before {@code
     * --start-round} when given, else not before the previous round (older rounds' commitments are
     * gone: each miner keeps one). A restart with the same command line therefore resumes instead
     * of merging a reported round again.
     */
    private long firstRound(Chain chain, RoundClock clock) throws IOException {
        long floor = startRound != null ? startRound : Math.max(0, clock.roundOf(chain.currentBlock()) - 1);
        Path merges = stateDir.resolve("merges");
        if (!Files.isDirectory(merges)) {
            return floor;
        }
        try (Stream<Path> files = Files.list(merges)) {
            long last = files.map(p -> p.getFileName().toString())
                    .filter(n -> n.matches("[0-9]{1,18}\\.json"))
                    .mapToLong(n -> Long.parseLong(n.substring(0, n.length() - 5)))
                    .max().orElse(-1);
            return Math.max(last + 1, floor);
        }
    }

    /**
     * Waits until the chain reaches {@code block}; returns false when a stop was requested first.
     * In forever mode a chain error is counted, logged and retried at the next poll.
     */
    private boolean waitForBlock(Chain chain, long block, long round, Operations ops, boolean forever)
            throws InterruptedException {
        Duration poll = Duration.ofMillis(Math.max(10L, (long) (pollSeconds * 1000)));
        boolean logged = false;
        while (!ops.shutdown().requested()) {
            long now;
            try {
                now = chain.currentBlock();
                ops.metrics().progress();
            } catch (ChainException e) {
                ops.metrics().error("chain");
                if (!forever) {
                    throw e;
                }
                log.warn("r={} cannot read the block number: {}; retrying", round, e.getMessage());
                now = -1;
            }
            if (now >= block) {
                return true;
            }
            if (!logged && now >= 0) {
                log.info("r={} waiting for block {} (now {})", round, block, now);
                logged = true;
            }
            if (ops.shutdown().sleep(poll)) {
                break;
            }
        }
        return false;
    }
}
