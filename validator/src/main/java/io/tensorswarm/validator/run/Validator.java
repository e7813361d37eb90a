package io.tensorswarm.validator.run;

import ai.djl.Device;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.HeartbeatStats;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.RejectedDeltaException;
import io.tensorswarm.protocol.fetch.StopRequestedException;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.LogIdentity;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.StorageException;
import io.tensorswarm.protocol.scoring.DeltaScreen;
import io.tensorswarm.protocol.scoring.LossAnomaly;
import io.tensorswarm.protocol.scoring.MinerObservation;
import io.tensorswarm.protocol.scoring.RoundLosses;
import io.tensorswarm.protocol.scoring.Score;
import io.tensorswarm.validator.scoring.ScoreBook;
import io.tensorswarm.protocol.scoring.ScreenOutcome;
import io.tensorswarm.protocol.scoring.ScreenReport;
import io.tensorswarm.protocol.scoring.Scorer;
import io.tensorswarm.protocol.scoring.TieredPolicy;
import io.tensorswarm.validator.scoring.WeightVector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
                long current = config.clock().roundOf(block);
                long ready = block >= config.clock().deadlineBlock(current) ? current : current - 1;
                long next = Math.max(Math.max(book.lastRound(), lastAttempted) + 1, ready);
                if (ready >= 0 && next <= ready) {
                    runRound(next);
                    done++;
                    continue;
                }
                waiting = lastRoundStatus + "; waiting for r=" + next + "'s deadline (block "
                        + config.clock().deadlineBlock(next) + ")";
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
            return skipped(round, "skipped: no base model", "no latest pointer for the round");
        }
        Metagraph mg = chain.metagraph(config.netuid());
        Map<String, Integer> uids = mg.neurons().stream().collect(Collectors.toMap(Neuron::hotkey, Neuron::uid));
        List<Counted> counted = countedCommitments(round, uids);
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

    private record Counted(String hotkey, int uid, long block, CommitmentPayload payload) {}

    /** Returns the registered miners' commitments for {@code round} made before its deadline, earliest first. */
    private List<Counted> countedCommitments(long round, Map<String, Integer> uids) {
        List<Counted> out = new ArrayList<>();
        for (Commitment c : chain.commitments(config.netuid())) {
            Integer uid = uids.get(c.hotkey());
            if (uid == null || !config.clock().isBeforeDeadline(round, c.block())) {
                continue;
            }
            CommitmentPayload payload;
            try {
                payload = CommitmentPayload.parse(c.data());
            } catch (TensorswarmException e) {
                log.debug("ignoring the unparsable commitment of {}: {}", c.hotkey(), e.getMessage());
                continue;
            }
            if (payload.round() == round) {
                out.add(new Counted(c.hotkey(), uid, c.block(), payload));
            }
        }
        out.sort(Comparator.comparingLong(Counted::block).thenComparing(Counted::hotkey));
        return out;
    }

    private void checkStop(long round, String step, int index, int total) {
        if (stopRequested.getAsBoolean()) {
            throw new StopRequestedException("round " + round + " abandoned before " + step + " miner " + (index + 1)
                    + " of " + total + "; nothing of it was saved");
        }
    }

    private RoundReport evaluate(long round, BaseModelSource.BaseModel base, List<Counted> counted) {
        Path cache = config.deltaCacheDir(round);
        GptModel model = ModelDirectory.load(base.dir(), device);
        try (model;
                Tokenizer tokenizer = Tokenizers.forModelDir(base.dir(), model.config().vocabSize());
                TokenPages pages = pagesOpener.apply(tokenizer).apply(model.config().nPositions())) {
            ParameterSet baseWeights = model.parameters();
            Map<String, MinerResult> results = new LinkedHashMap<>();
            DeltaScreen screen = new DeltaScreen(baseWeights, config.screen());
            List<Counted> fetched = new ArrayList<>();
            for (int i = 0; i < counted.size(); i++) {
                Counted c = counted.get(i);
                checkStop(round, "fetching", i, counted.size());
                String fetching = "r=" + round + " fetching miner " + (i + 1) + " of " + counted.size();
                heartbeats.sendIfDue(() -> heartbeat(fetching, null));
                Path file = cache.resolve(c.hotkey() + ".safetensors");
                try {
                    fetcher.fetch(c.hotkey(), config.netuid(), c.payload(), base.revision(), baseWeights, file);
                } catch (RejectedDeltaException e) {
                    if (e.getCause() instanceof StorageException se && se.kind() == StorageException.Kind.NOT_FOUND) {
                        metrics.error("storage_not_found"); // the metered store leaves missing objects to callers
                    }
                    log.info("r={} miner {} scores 0: {}", round, shortKey(c.hotkey()), e.getMessage());
                    results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), e.reason(), e.getMessage()));
                    continue;
                }
                screen.add(c.hotkey(), c.block(), readDelta(file)).ifPresent(r -> log.info("r={} miner {} screened out: {}",
                        round, shortKey(c.hotkey()), r));
                fetched.add(c);
                metrics.progress();
            }
            ScreenReport screened = screen.finish(h -> readDelta(cache.resolve(h + ".safetensors")));

            Set<Long> assignedIndices = new HashSet<>();
            for (Counted c : counted) {
                for (long i : pages.pageIndicesFor(round, c.hotkey(), config.assignedPages())) {
                    assignedIndices.add(i);
                }
            }
            byte[] seed = chain.blockHash(config.clock().seedBlock(round));
            long[] evalIdx = pages.evalPageIndices(seed, config.evalPages(), assignedIndices::contains);
            List<int[]> evalPages = pages.pages(evalIdx);
            Evaluator evaluator = new Evaluator(config.batchSize());
            Scorer scorer = new Scorer(config.bonusFraction());
            double baseLoss = Double.NaN;
            double bestLoss = Double.NaN;
            for (int i = 0; i < fetched.size(); i++) {
                Counted c = fetched.get(i);
                ScreenOutcome outcome = screened.outcome(c.hotkey()).orElseThrow();
                if (!outcome.accepted()) {
                    var r = outcome.rejection().orElseThrow();
                    results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), r.reason().name(),
                            r.detail()));
                    continue;
                }
                checkStop(round, "evaluating", i, fetched.size());
                log.info("r={} evaluating miner {} ({} of {})", round, shortKey(c.hotkey()), i + 1, fetched.size());
                String evaluating = "r=" + round + " evaluating miner " + (i + 1) + " of " + fetched.size();
                heartbeats.sendIfDue(() -> heartbeat(evaluating, null));
                long start = System.nanoTime();
                ParameterSet delta = readDelta(cache.resolve(c.hotkey() + ".safetensors"));
                Evaluator.Comparison onEval = evaluator.compareWithDelta(model, baseWeights, delta, evalPages);
                Evaluator.Comparison onAssigned = evaluator.compareWithDelta(model, baseWeights, delta,
                        pages.pagesFor(round, c.hotkey(), config.assignedPages()));
                double seconds = (System.nanoTime() - start) / 1e9;
                long tokens = onEval.base().tokens() + onEval.withDelta().tokens() + onAssigned.base().tokens()
                        + onAssigned.withDelta().tokens();
                if (seconds > 0) {
                    metrics.tokensPerSecond(tokens / seconds);
                    lastTokensPerSecond = tokens / seconds;
                }
                RoundLosses losses = new RoundLosses(onEval.base().meanLoss(), onEval.withDelta().meanLoss(),
                        onAssigned.base().meanLoss(), onAssigned.withDelta().meanLoss());
                if (Double.isNaN(baseLoss)) {
                    baseLoss = onEval.base().meanLoss();
                    metrics.loss("base", baseLoss);
                }
                double after = onEval.withDelta().meanLoss();
                if (Double.isFinite(after) && !(after >= bestLoss)) {
                    bestLoss = after;
                }
                Score s = scorer.score(losses);
                results.put(c.hotkey(), new MinerResult(c.hotkey(), c.uid(), c.block(), s.unassignedImprovement(),
                        s.assignedImprovement(), losses.afterUnassigned(), s.value(), 0, 0, null, null, false));
                metrics.progress();
            }
            if (!Double.isNaN(bestLoss)) {
                metrics.loss("eval", bestLoss);
            }
            List<MinerResult> ordered = new ArrayList<>();
            for (Counted c : counted) {
                ordered.add(results.get(c.hotkey()));
            }
            ordered = applyPolicies(round, ordered);
            return new RoundReport(round, base.revision(), baseLoss, evalPages.size(), ordered, "");
        }
    }

    private List<MinerResult> applyPolicies(long round, List<MinerResult> results) {
        List<MinerResult> out = results;
        if (config.policy() == RunConfig.Policy.TIERED) {
            List<MinerObservation> obs = results.stream()
                    .map(m -> new MinerObservation(m.hotkey(), m.reason() == null, m.lossAfter()))
                    .toList();
            Map<String, Double> tiers = TieredPolicy.defaults().assign(obs);
            out = out.stream().map(m -> m.withScore(tiers.getOrDefault(m.hotkey(), 0.0))).toList();
        }
        if (config.lossAnomalyFlags()) {
            Map<String, Double> losses = new LinkedHashMap<>();
            out.stream().filter(m -> m.reason() == null).forEach(m -> losses.put(m.hotkey(), m.lossAfter()));
            Set<String> flagged = LossAnomaly.mad().flag(losses).stream().map(LossAnomaly.Flag::hotkey)
                    .collect(Collectors.toSet());
            flagged.forEach(h -> log.info("r={} miner {}'s loss is an outlier", round, shortKey(h)));
            out = out.stream().map(m -> flagged.contains(m.hotkey()) ? m.flagged() : m).toList();
        }
        return out;
    }

    private static ParameterSet readDelta(Path file) {
        try {
            return new SafetensorsReader().read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cached delta " + file, e);
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
