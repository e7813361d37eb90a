package io.tensorswarm.validator.run;

import ai.djl.Device;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.data.Tokenizers;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.validator.scoring.DeltaScreen;
import io.tensorswarm.validator.scoring.LossAnomaly;
import io.tensorswarm.validator.scoring.MinerObservation;
import io.tensorswarm.validator.scoring.RoundLosses;
import io.tensorswarm.validator.scoring.Score;
import io.tensorswarm.validator.scoring.ScoreBook;
import io.tensorswarm.validator.scoring.ScreenOutcome;
import io.tensorswarm.validator.scoring.ScreenReport;
import io.tensorswarm.validator.scoring.Scorer;
import io.tensorswarm.validator.scoring.TieredPolicy;
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
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.function.LongConsumer;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validator daemon's core: after each round's deadline, scores every miner that committed for
 * the round (design §3), updates the persisted {@link ScoreBook}, writes {@code rounds/<r>.json}
 * and sets weights. {@link #runRound} does one round; {@link #run} waits for deadlines and runs
 * rounds in order. At most one decoded delta is held in memory at a time: deltas live on disk
 * under {@code <state.dir>/cache/<r>/} until the round is done. Not thread-safe.
 *
 * <pre>{@code
 * Validator v = new Validator(config, chain, weights, fetcher, baseSource, pagesOpener, Device.cpu(), Thread::sleep);
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
    private final ScoreBook book;
    private final String prefix;
    private long lastAttempted = ScoreBook.NO_ROUND;

    /**
     * Creates the validator; the score book is read from {@link RunConfig#scoreBookFile()}.
     *
     * @param pagesOpener opens the dataset's pages for a tokenizer and page length
     * @param sleeper waits the given number of milliseconds between polls of the chain (tests pass a
     *     mock clock's sleep)
     * @param hotkey the validator's hotkey, for log prefixes
     */
    public Validator(RunConfig config, Chain chain, WeightSubmitter weights, DeltaFetcher fetcher,
            BaseModelSource baseSource, Function<Tokenizer, Function<Integer, TokenPages>> pagesOpener, Device device,
            LongConsumer sleeper, String hotkey) {
        this.config = config;
        this.chain = chain;
        this.weights = weights;
        this.fetcher = fetcher;
        this.baseSource = baseSource;
        this.pagesOpener = pagesOpener;
        this.device = device;
        this.sleeper = sleeper;
        this.book = ScoreBook.load(config.scoreBookFile(), config.emaAlpha());
        this.prefix = "[validator " + shortKey(hotkey) + " netuid=" + config.netuid() + "]";
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
     * Runs {@code rounds} rounds: each time the deadline of a round after {@link #lastRound()} has
     * passed, runs it, starting with the latest round whose deadline has passed.
     */
    public void run(long rounds) {
        long done = 0;
        while (done < rounds) {
            long block = chain.currentBlock();
            long current = config.clock().roundOf(block);
            long ready = block >= config.clock().deadlineBlock(current) ? current : current - 1;
            long next = Math.max(Math.max(book.lastRound(), lastAttempted) + 1, ready);
            if (ready >= 0 && next <= ready) {
                runRound(next);
                done++;
                continue;
            }
            sleeper.accept(POLL_MILLIS);
        }
    }

    /** Scores round {@code round}, updates and saves the scores, writes the result file and sets weights. */
    public RoundReport runRound(long round) {
        String p = prefix.substring(0, prefix.length() - 1) + " r=" + round + "]";
        lastAttempted = Math.max(lastAttempted, round);
        weights.revealDue(chain);
        Optional<BaseModelSource.BaseModel> base = baseSource.forRound(round);
        if (base.isEmpty()) {
            // The validator's own gap, not the miners': nobody's score decays for it.
            log.warn("{} no base model known for the round; skipping it", p);
            RoundReport empty = new RoundReport(round, "", Double.NaN, 0, List.of(), "skipped: no base model");
            empty.write(config.roundReportFile(round));
            return empty;
        }
        Metagraph mg = chain.metagraph(config.netuid());
        Map<String, Integer> uids = mg.neurons().stream().collect(Collectors.toMap(Neuron::hotkey, Neuron::uid));
        List<Counted> counted = countedCommitments(round, uids);
        log.info("{} {} commitments count for the round; base {}", p, counted.size(), base.get().revision());
        RoundReport report = evaluate(round, base.get(), counted, uids, p);

        Map<String, Double> roundScores = new LinkedHashMap<>();
        report.miners().forEach(m -> roundScores.put(m.hotkey(), m.score()));
        book.update(round, roundScores);
        book.retainOnly(uids.keySet());
        book.save(config.scoreBookFile());
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
        String status = weights.submit(chain, round, w);
        report = report.withWeights(status);
        report.write(config.roundReportFile(round));
        for (MinerResult m : report.miners()) {
            log.info("{} miner {}: improvement {} score {} smoothed {} weight {}{}", p, shortKey(m.hotkey()),
                    m.improvement(), m.score(), m.smoothed(), m.weight(), m.reason() == null ? "" : " (" + m.reason() + ")");
        }
        log.info("{} weights: {}", p, status);
        deleteTree(config.deltaCacheDir(round));
        return report;
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

    private RoundReport evaluate(long round, BaseModelSource.BaseModel base, List<Counted> counted,
            Map<String, Integer> uids, String p) {
        Path cache = config.deltaCacheDir(round);
        GptModel model = ModelDirectory.load(base.dir(), device);
        try (model;
                Tokenizer tokenizer = Tokenizers.forModelDir(base.dir(), model.config().vocabSize());
                TokenPages pages = pagesOpener.apply(tokenizer).apply(model.config().nPositions())) {
            ParameterSet baseWeights = model.parameters();
            Map<String, MinerResult> results = new LinkedHashMap<>();
            DeltaScreen screen = new DeltaScreen(baseWeights, config.screen());
            List<Counted> fetched = new ArrayList<>();
            for (Counted c : counted) {
                Path file = cache.resolve(c.hotkey() + ".safetensors");
                try {
                    fetcher.fetch(c.hotkey(), config.netuid(), c.payload(), base.revision(), baseWeights, file);
                } catch (RejectedDeltaException e) {
                    log.info("{} miner {} scores 0: {}", p, shortKey(c.hotkey()), e.getMessage());
                    results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), e.reason(), e.getMessage()));
                    continue;
                }
                screen.add(c.hotkey(), c.block(), readDelta(file)).ifPresent(r -> log.info("{} miner {} screened out: {}",
                        p, shortKey(c.hotkey()), r));
                fetched.add(c);
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
            for (Counted c : fetched) {
                ScreenOutcome outcome = screened.outcome(c.hotkey()).orElseThrow();
                if (!outcome.accepted()) {
                    var r = outcome.rejection().orElseThrow();
                    results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), r.reason().name(),
                            r.detail()));
                    continue;
                }
                ParameterSet delta = readDelta(cache.resolve(c.hotkey() + ".safetensors"));
                Evaluator.Comparison onEval = evaluator.compareWithDelta(model, baseWeights, delta, evalPages);
                Evaluator.Comparison onAssigned = evaluator.compareWithDelta(model, baseWeights, delta,
                        pages.pagesFor(round, c.hotkey(), config.assignedPages()));
                RoundLosses losses = new RoundLosses(onEval.base().meanLoss(), onEval.withDelta().meanLoss(),
                        onAssigned.base().meanLoss(), onAssigned.withDelta().meanLoss());
                baseLoss = onEval.base().meanLoss();
                Score s = scorer.score(losses);
                results.put(c.hotkey(), new MinerResult(c.hotkey(), c.uid(), c.block(), s.unassignedImprovement(),
                        s.assignedImprovement(), losses.afterUnassigned(), s.value(), 0, 0, null, null, false));
            }
            List<MinerResult> ordered = new ArrayList<>();
            for (Counted c : counted) {
                ordered.add(results.get(c.hotkey()));
            }
            ordered = applyPolicies(ordered, p);
            return new RoundReport(round, base.revision(), baseLoss, evalPages.size(), ordered, "");
        }
    }

    private List<MinerResult> applyPolicies(List<MinerResult> results, String p) {
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
            flagged.forEach(h -> log.info("{} miner {}'s loss is an outlier", p, shortKey(h)));
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
        return hotkey.length() <= 8 ? hotkey : hotkey.substring(0, 4) + "…" + hotkey.substring(hotkey.length() - 3);
    }
}
