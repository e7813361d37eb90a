package io.tensorswarm.validator.run;

import ai.djl.Device;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.HeartbeatStats;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.RoundCommitments.Counted;
import io.tensorswarm.protocol.RoundCommitments;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.StopRequestedException;
import io.tensorswarm.protocol.scoring.MinerResult;
import io.tensorswarm.protocol.scoring.RoundScorer;
import io.tensorswarm.protocol.scoring.ScoringHistory;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.validator.scoring.ScoreBook;
import io.tensorswarm.validator.scoring.ScoreBookException;
import io.tensorswarm.validator.scoring.WeightVector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validator daemon's core: after each round's deadline, scores every miner that committed for
 * the round (design §3), updates the persisted {@link ScoreBook}, writes {@code rounds/<r>.json}
 * and sets weights. {@link #runRound} does one round; {@link #run} waits for deadlines and runs
 * rounds in order until told to stop. At most one decoded delta is held in memory at a time: deltas
 * live on disk under {@code <state.dir>/cache/<r>/} until the round is done.
 *
 * <p>Stopping: when the stop supplier says so, {@link #run} returns at its next safe point: while
 * waiting for a deadline, or in a round before each miner's fetch and evaluation (a round stopped
 * there is abandoned, nothing of it saved: {@link StopRequestedException}). Once every miner is
 * evaluated the round is finished (scores saved, weights sent, round file written) before the stop
 * is honoured. Every state file is replaced atomically, so a {@code kill -9} at any point leaves
 * the last complete round's scores and every saved pending reveal; a restarted validator redoes
 * the round whose deadline passed most recently. Pending weight reveals are sent at the start of
 * each round and, while waiting for a deadline, as soon as their window opens. Not thread-safe.
 *
 * <p>Heartbeats (with {@link Builder#optHeartbeats}): at the start of {@link #run}, after each
 * round (miners scored and evaluated, base loss, evaluation tokens/s, what was done with the
 * weights), and at most once per the reporter's interval while waiting and between miners. A
 * down orchestrator costs at most the client's timeout per interval and never fails a round.
 *
 * <pre>{@code
 * Validator v = Validator.builder().setConfig(config).setChain(chain).setWeights(weights)
 *         .setFetcher(fetcher).setBaseSource(baseSource).setPagesOpener(pagesOpener)
 *         .optMetrics(operations.metrics()).optStopRequested(operations.shutdown()::requested)
 *         .build();
 * v.run(3);   // three rounds, then return
 * }</pre>
 */
public final class Validator {
    private static final Logger log = LoggerFactory.getLogger(Validator.class);
    /** Milliseconds {@link #run} asks the sleeper to wait between two looks at the chain's block. */
    public static final long POLL_MILLIS = 1_000;

    private final RunConfig config;
    private final Chain chain;
    private final WeightSubmitter weights;
    private final DeltaFetcher fetcher;
    private final BaseModelSource baseSource;
    private final Function<Tokenizer, Function<Integer, TokenPages>> pagesOpener;
    private final Device device;
    private final LongConsumer sleeper;
    private final DaemonMetrics metrics;
    private final BooleanSupplier stopRequested;
    private final ScoreBook book;
    private final HeartbeatReporter heartbeats;
    private String lastRoundStatus = "no round yet";
    private double lastTokensPerSecond = Double.NaN;
    private long lastAttempted = ScoreBook.NO_ROUND;
    private boolean startedUp;

    private Validator(Builder b) {
        this.config = b.config;
        this.chain = b.chain;
        this.weights = b.weights;
        this.fetcher = b.fetcher;
        this.baseSource = b.baseSource;
        this.pagesOpener = b.pagesOpener;
        this.device = b.device;
        this.sleeper = b.sleeper;
        this.metrics = b.metrics;
        this.stopRequested = b.stopRequested;
        this.heartbeats = b.heartbeats;
        this.book = ScoreBook.load(config.scoreBookFile(), config.emaAlpha());
        metrics.scores(book.scores());
    }

    /** Returns a builder; the config, chain, weight submitter, fetcher, base source and pages opener are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the moving scores (read-only view of the persisted book). */
    public Map<String, Double> scores() {
        return book.scores();
    }

    /** Returns the last round this validator finished, or {@link ScoreBook#NO_ROUND}. */
    public long lastRound() {
        return book.lastRound();
    }

    /**
     * Runs up to {@code rounds} rounds: each time the deadline of a round after {@link #lastRound()}
     * has passed, runs it, starting with the latest round whose deadline has passed. Returns early,
     * at a safe point, when a stop is requested. A chain or storage failure that may pass
     * (retryable) is counted, logged and retried after {@link #POLL_MILLIS}.
     *
     * @return how many rounds were finished
     */
    public long run(long rounds) {
        long done = 0;
        heartbeats.send(heartbeat(book.lastRound() == ScoreBook.NO_ROUND ? "started"
                : "started; last round " + book.lastRound(), null));
        while (done < rounds && !stopRequested.getAsBoolean()) {
            String waiting = lastRoundStatus + "; waiting for the chain or the base store";
            try {
                startUp();
                long block = chain.currentBlock();
                // Round r is scored once its upload window has closed (block >= start(r + 1)) and the block
                // its commitments are read at is final.
                long ready = config.clock().roundOf(block) - 1;
                if (book.lastRound() > ready) {
                    // Scores are only ever saved for rounds the chain had closed: a later one is a state
                    // folder of another chain or netuid (or a reset chain), which would freeze the scores.
                    throw new ScoreBookException("score file " + config.scoreBookFile() + ": last_round "
                            + book.lastRound() + " is after the chain's latest closed round " + ready
                            + " (a state folder of another chain or netuid? move it aside to start over)");
                }
                long next = Math.max(Math.max(book.lastRound(), lastAttempted) + 1, ready);
                if (ready >= 0 && next <= ready && RoundCommitments.isReady(chain, config.clock(), next)) {
                    runRound(next);
                    done++;
                    continue;
                }
                waiting = lastRoundStatus + "; waiting for r=" + next + "'s uploads to close (block "
                        + config.clock().readableBlock(next) + ")";
                revealDue(); // while waiting: a reveal is sent as soon as its window opens
            } catch (StopRequestedException e) {
                log.info("stopping: {}", e.getMessage());
                break;
            } catch (ChainException e) {
                if (!e.retryable()) {
                    throw e;
                }
                metrics.error("chain");
                log.warn("the chain is unavailable ({}); trying again", e.getMessage());
            } catch (StorageException e) {
                if (!e.retryable()) {
                    throw e;
                }
                log.warn("the base model store is unavailable ({}); trying again", e.getMessage());
            }
            String status = waiting;
            heartbeats.sendIfDue(() -> heartbeat(status, null));
            sleeper.accept(POLL_MILLIS);
        }
        if (stopRequested.getAsBoolean()) {
            log.info("stopped after {} round(s); last complete round {}", done, book.lastRound());
        }
        return done;
    }

    /** Once per process: removes delta caches a killed run left, moves reveals of the earlier file format. */
    private void startUp() {
        if (startedUp) {
            return;
        }
        deleteTree(config.stateDir().resolve("cache"));
        weights.migrateLegacyReveals(chain, config.stateDir());
        startedUp = true;
    }

    /**
     * Scores round {@code round}, updates and saves the scores, sets weights and writes the result file.
     *
     * @throws StopRequestedException when a stop was requested before every miner was evaluated; the
     *     round is abandoned and nothing of it saved
     */
    public RoundReport runRound(long round) {
        metrics.round(round);
        lastTokensPerSecond = Double.NaN;
        try {
            RoundReport report = scoreRound(round);
            lastAttempted = Math.max(lastAttempted, round);
            metrics.roundCompleted();
            roundHeartbeat(report);
            return report;
        } finally {
            deleteTree(config.deltaCacheDir(round));
        }
    }

    /** Sends the heartbeat of a finished round: how many miners were scored, the base loss and the weights. */
    private void roundHeartbeat(RoundReport report) {
        long evaluated = report.miners().stream().filter(m -> m.reason() == null).count();
        long rejected = report.miners().size() - evaluated;
        String status = report.miners().isEmpty() && !report.weights().startsWith("set")
                && !report.weights().startsWith("committed")
                ? "r=" + report.round() + " " + report.weights()
                : String.format(Locale.ROOT, "r=%d scored %d miners (%d evaluated, %d rejected)%s; weights %s",
                        report.round(), report.miners().size(), evaluated, rejected,
                        Double.isNaN(report.baseLoss()) ? "" : String.format(Locale.ROOT, ", base loss %.4f",
                                report.baseLoss()), report.weights());
        lastRoundStatus = status;
        heartbeats.send(heartbeat(status, report));
    }

    /** A heartbeat: step = miners scored in the last round, loss = its base loss, tokens/s = its evaluation rate. */
    private HeartbeatStats heartbeat(String status, RoundReport report) {
        HeartbeatStats stats = HeartbeatStats.of("validator", status);
        if (report == null) {
            return stats;
        }
        return stats.withNumbers((long) report.miners().size(), report.baseLoss(), lastTokensPerSecond);
    }

    private void revealDue() {
        int revealed = weights.revealDue(chain);
        for (int i = 0; i < revealed; i++) {
            metrics.weightsSet();
        }
    }

    private RoundReport scoreRound(long round) {
        revealDue();
        Optional<BaseModelSource.BaseModel> base;
        try {
            base = baseSource.forRound(round);
        } catch (StorageException e) {
            if (e.retryable()) {
                throw e;
            }
            return skipped(round, "skipped: base model unavailable", e.getMessage());
        } catch (ProtocolException e) {
            return skipped(round, "skipped: base model unavailable", e.getMessage());
        }
        if (base.isEmpty()) {
            // The validator's own gap, not the miners': nobody's score decays for it.
            return skipped(round, "skipped: no base model", "the base history has no base for the round");
        }
        Metagraph mg = chain.metagraph(config.netuid());
        Map<String, Integer> uids = mg.neurons().stream().collect(Collectors.toMap(Neuron::hotkey, Neuron::uid));
        List<Counted> counted = RoundCommitments.read(chain, config.netuid(), config.clock(), round, uids);
        log.info("r={} {} commitments count for the round; base {}", round, counted.size(), base.get().revision());
        RoundReport report = evaluate(round, base.get(), counted);

        // Every miner is evaluated: from here the round is finished even if a stop is requested.
        Map<String, Double> roundScores = new LinkedHashMap<>();
        report.miners().forEach(m -> roundScores.put(m.hotkey(), m.score()));
        report.miners().stream().filter(m -> m.reason() != null).forEach(m -> metrics.error("delta_rejected"));
        book.update(round, roundScores);
        book.retainOnly(uids.keySet());
        book.save(config.scoreBookFile());
        metrics.scores(book.scores());
        WeightVector w = book.normalizedWeights(uids);
        Map<Integer, Float> byUid = new LinkedHashMap<>();
        for (int i = 0; i < w.size(); i++) {
            byUid.put(w.uids()[i], w.weights()[i]);
        }
        List<MinerResult> filled = new ArrayList<>();
        for (MinerResult m : report.miners()) {
            filled.add(m.withBook(book.score(m.hotkey()), byUid.getOrDefault(m.uid(), 0f)));
        }
        report = new RoundReport(round, report.baseRevision(), report.baseLoss(), report.evalPages(), filled, "");
        WeightSubmitter.Outcome outcome = submitWeights(round, w);
        if (outcome.sent()) {
            metrics.weightsSet();
            Map<String, Double> byHotkey = new LinkedHashMap<>();
            uids.forEach((hotkey, uid) -> {
                Float share = byUid.get(uid);
                if (share != null) {
                    byHotkey.put(hotkey, share.doubleValue());
                }
            });
            metrics.weights(byHotkey);
        }
        metrics.health().detail("weights", outcome.text());
        report = report.withWeights(outcome.text());
        report.write(config.roundReportFile(round));
        for (MinerResult m : report.miners()) {
            log.info("r={} miner {}: improvement {} score {} smoothed {} weight {}{}", round, shortKey(m.hotkey()),
                    m.improvement(), m.score(), m.smoothed(), m.weight(),
                    m.reason() == null ? "" : " (" + m.reason() + ")");
        }
        log.info("r={} weights: {}", round, outcome.text());
        return report;
    }

    private WeightSubmitter.Outcome submitWeights(long round, WeightVector w) {
        try {
            return weights.submit(chain, round, w);
        } catch (ChainException e) {
            if (!e.retryable()) {
                throw e;
            }
            // The scores are saved; the next round sets weights from them.
            metrics.error("chain");
            log.warn("r={} the chain is unavailable; weights not sent: {}", round, e.getMessage());
            return new WeightSubmitter.Outcome("failed: chain unavailable", false);
        }
    }

    private RoundReport skipped(long round, String status, String why) {
        log.warn("r={} {} ({}); nobody is scored for the round", round, status, why);
        if (!status.equals("skipped: no base model")) {
            metrics.error("base_model");
        }
        RoundReport empty = new RoundReport(round, "", Double.NaN, 0, List.of(), status);
        empty.write(config.roundReportFile(round));
        return empty;
    }

    private RoundReport evaluate(long round, BaseModelSource.BaseModel base, List<Counted> counted) {
        Path cache = config.deltaCacheDir(round);
        GptModel model = ModelDirectory.load(base.dir(), device);
        try (model;
                Tokenizer tokenizer = Tokenizers.forModelDir(base.dir(), model.config().vocabSize());
                TokenPages pages = pagesOpener.apply(tokenizer).apply(model.config().nPositions())) {
            ScoringHistory history = ScoringHistory.open(config.stateDir(), config.screen());
            RoundScorer scorer = new RoundScorer(config.scoring(), fetcher, new ScoringProgress(round), stopRequested);
            byte[] seed = chain.blockHash(config.clock().seedBlock(round));
            RoundScorer.Scores scores = scorer.score(round, model, model.parameters(), base.revision(), pages, counted,
                    history, seed, cache);
            if (!Double.isNaN(scores.bestLoss())) {
                metrics.loss("eval", scores.bestLoss());
            }
            history.record(round, scores, cache);
            return new RoundReport(round, base.revision(), scores.baseLoss(), scores.evalPageCount(), scores.results(), "");
        }
    }

    /** Feeds the scorer's progress to heartbeats and metrics. */
    private final class ScoringProgress implements RoundScorer.Listener {
        private final long round;

        ScoringProgress(long round) {
            this.round = round;
        }

        @Override
        public void fetching(int index, int total) {
            String status = "r=" + round + " fetching miner " + (index + 1) + " of " + total;
            heartbeats.sendIfDue(() -> heartbeat(status, null));
        }

        @Override
        public void evaluating(int index, int total) {
            String status = "r=" + round + " evaluating miner " + (index + 1) + " of " + total;
            heartbeats.sendIfDue(() -> heartbeat(status, null));
        }

        @Override
        public void progress() {
            metrics.progress();
        }

        @Override
        public void rejected(String hotkey, String reason, Throwable cause) {
            if (cause instanceof StorageException se && se.kind() == StorageException.Kind.NOT_FOUND) {
                metrics.error("storage_not_found"); // the metered store leaves missing objects to callers
            }
        }

        @Override
        public void tokensPerSecond(double value) {
            metrics.tokensPerSecond(value);
            lastTokensPerSecond = value;
        }

        @Override
        public void baseLoss(double value) {
            metrics.loss("base", value);
        }
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path path : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            log.warn("cannot remove the delta cache {}: {}", dir, e.getMessage());
        }
    }

    static String shortKey(String hotkey) {
        return LogIdentity.shortKey(hotkey);
    }

    /** Builds a {@link Validator}; {@code setX} values are required, {@code optX} ones have defaults. */
    public static final class Builder {
        private RunConfig config;
        private Chain chain;
        private WeightSubmitter weights;
        private DeltaFetcher fetcher;
        private BaseModelSource baseSource;
        private Function<Tokenizer, Function<Integer, TokenPages>> pagesOpener;
        private Device device = Device.cpu();
        private LongConsumer sleeper = Builder::sleep;
        private DaemonMetrics metrics = DaemonMetrics.unexported();
        private BooleanSupplier stopRequested = () -> false;
        private HeartbeatReporter heartbeats = HeartbeatReporter.off();

        private Builder() {}

        /** Sets the loop's settings. */
        public Builder setConfig(RunConfig value) {
            this.config = value;
            return this;
        }

        /** Sets the chain read for blocks, commitments and the metagraph, and written with weights. */
        public Builder setChain(Chain value) {
            this.chain = value;
            return this;
        }

        /** Sets what sends (or commits and reveals) the weights. */
        public Builder setWeights(WeightSubmitter value) {
            this.weights = value;
            return this;
        }

        /** Sets what fetches and checks each miner's submission. */
        public Builder setFetcher(DeltaFetcher value) {
            this.fetcher = value;
            return this;
        }

        /** Sets where each round's base model comes from. */
        public Builder setBaseSource(BaseModelSource value) {
            this.baseSource = value;
            return this;
        }

        /** Sets what opens the dataset's pages for a tokenizer and a page length. */
        public Builder setPagesOpener(Function<Tokenizer, Function<Integer, TokenPages>> value) {
            this.pagesOpener = value;
            return this;
        }

        /** Sets the evaluation device (default CPU). */
        public Builder optDevice(Device value) {
            this.device = value;
            return this;
        }

        /**
         * Sets what waits the given milliseconds between looks at the chain (default {@link Thread#sleep};
         * daemons pass a sleep that wakes on a stop request, tests a mock clock's).
         */
        public Builder optSleeper(LongConsumer value) {
            this.sleeper = value;
            return this;
        }

        /** Sets the metrics fed with rounds, losses, scores, weights and errors (default: unexported). */
        public Builder optMetrics(DaemonMetrics value) {
            this.metrics = value;
            return this;
        }

        /** Sets what says a stop was requested, looked at at every safe point (default: never). */
        public Builder optStopRequested(BooleanSupplier value) {
            this.stopRequested = value;
            return this;
        }

        /**
         * Sets where heartbeats go (default: {@link HeartbeatReporter#off()}); the validator does not close it.
         */
        public Builder optHeartbeats(HeartbeatReporter value) {
            this.heartbeats = value;
            return this;
        }

        /** Returns the validator, reading the score book; throws {@link IllegalArgumentException} naming a missing value. */
        public Validator build() {
            require(config, "config");
            require(chain, "chain");
            require(weights, "weight submitter");
            require(fetcher, "fetcher");
            require(baseSource, "base source");
            require(pagesOpener, "pages opener");
            require(device, "device");
            require(sleeper, "sleeper");
            require(metrics, "metrics");
            require(stopRequested, "stop supplier");
            require(heartbeats, "heartbeat reporter");
            return new Validator(this);
        }

        private static void require(Object value, String name) {
            if (value == null) {
                throw new IllegalArgumentException("You must set the " + name);
            }
        }

        private static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new StopRequestedException("interrupted while waiting for the chain");
            }
        }
    }
}
