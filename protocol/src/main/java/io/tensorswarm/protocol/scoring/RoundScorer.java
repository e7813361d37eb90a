package io.tensorswarm.protocol.scoring;

import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.eval.LossGradient;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.RoundCommitments.Counted;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.FetchRequest;
import io.tensorswarm.protocol.fetch.FetchResult;
import io.tensorswarm.protocol.fetch.RejectedDeltaException;
import io.tensorswarm.protocol.fetch.StopRequestedException;
import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores one round's counted commitments: fetch and verify each delta ({@link DeltaFetcher}), screen
 * the cohort ({@link DeltaScreen}: layout, finite, norm bound, same-round copies, replays of earlier
 * rounds), evaluate each survivor on its miner's assigned pages and on the round's unassigned
 * evaluation pages, and turn the losses into round scores ({@link Scorer}, or {@link TieredPolicy}).
 * The validator sets weights from these scores; the averager merges the best-scored deltas. Both run
 * this same code, so they cannot drift.
 *
 * <p>Decoded deltas are written to the cache folder as {@code <hotkey>.safetensors} and read back one
 * at a time; the caller removes the folder when it no longer needs them. Not thread-safe.
 */
public final class RoundScorer {
    private static final Logger log = LoggerFactory.getLogger(RoundScorer.class);
    /** Earlier deltas of at most this many bytes in all are kept in memory by the progress check. */
    private static final long IN_MEMORY_BYTES = 512L << 20;

    /** What the caller wants to know while a round is scored (heartbeats, metrics). */
    public interface Listener {
        /** A miner is being fetched ({@code index} counts from 0). */
        default void fetching(int index, int total) {}

        /** A miner is being evaluated. */
        default void evaluating(int index, int total) {}

        /** A miner was fetched or evaluated. */
        default void progress() {}

        /** A miner was rejected before evaluation, with its reason and the cause (when a storage error). */
        default void rejected(String hotkey, String reason, Throwable cause) {}

        /** The last evaluation's throughput. */
        default void tokensPerSecond(double value) {}

        /** The base model's loss on the evaluation pages. */
        default void baseLoss(double value) {}
    }

    /** How round scores are made. */
    public enum Policy {
        /** Relative loss improvement with the assigned-page bonus ({@link Scorer}). */
        SCORE,
        /** The original 1.0 / 0.3 / 0.1 tiers ({@link TieredPolicy}), for evaluated miners only. */
        TIERED
    }

    /**
     * The scoring settings.
     *
     * @param netuid the subnet (manifests and commitments must name it)
     * @param assignedPages pages assigned to each miner per round
     * @param evalPages unassigned evaluation pages per round
     * @param batchSize pages per forward pass
     * @param bonusFraction the assigned-page bonus of {@link Scorer}
     * @param policy score or tiers
     * @param lossAnomaly whether MAD outliers of the after-delta loss that are worse than the median score 0
     * @param screen the screen's settings
     * @param precision what the evaluation and the progress check's gradient compute in
     */
    public record Settings(int netuid, int assignedPages, int evalPages, int batchSize, double bonusFraction,
            Policy policy, boolean lossAnomaly, ScreenConfig screen, Precision precision) {
        /** Settings computing in F32. */
        public Settings(int netuid, int assignedPages, int evalPages, int batchSize, double bonusFraction,
                Policy policy, boolean lossAnomaly, ScreenConfig screen) {
            this(netuid, assignedPages, evalPages, batchSize, bonusFraction, policy, lossAnomaly, screen,
                    Precision.FP32);
        }

        public Settings {
            Objects.requireNonNull(policy, "policy");
            Objects.requireNonNull(precision, "precision");
            Objects.requireNonNull(screen, "screen");
            if (assignedPages < 1 || evalPages < 1 || batchSize < 1) {
                throw new IllegalArgumentException("assignedPages, evalPages and batchSize must be at least 1");
            }
        }
    }

    /**
     * A scored round.
     *
     * @param results one per counted commitment, in the counted (commitment) order
     * @param baseLoss the base loss on the evaluation pages (NaN when nobody was evaluated)
     * @param bestLoss the lowest base + delta loss on them (NaN when none)
     * @param evalPageCount how many evaluation pages were drawn
     * @param sketches the sketch of every delta later rounds compare against (see {@link #score}), for the
     *     caller's {@link ScoringHistory}
     */
    public record Scores(List<MinerResult> results, double baseLoss, double bestLoss, int evalPageCount,
            Map<String, DeltaSketch> sketches) {

        /** Returns the evaluated miners with a positive score, best first (ties by commitment order). */
        public List<MinerResult> positive() {
            List<MinerResult> out = new ArrayList<>(results.stream().filter(m -> m.reason() == null && m.score() > 0)
                    .toList());
            out.sort((a, b) -> Double.compare(b.score(), a.score()));
            return out;
        }

        /**
         * Returns the deltas the averager may merge, best first: those with a positive score (by
         * score), then every other delta that passed every screen and check and is not an outlier of
         * the cohort's losses (by its improvement on the evaluation pages, least harmful first).
         *
         * <p>Why the second group: once training is past its steep start, one miner's few steps on a
         * small batch are mostly noise at their end point, so each such delta alone can raise the loss
         * on eight evaluation pages while their average lowers it (the noise cancels). Merging only
         * positive scores then stalls the swarm for good (in the swarm benchmark a K = 8 fp32 swarm
         * merged nothing for the last 7 of 20 rounds, while merging all 8 such deltas lowered the check
         * loss). What is merged pays nothing (validators pay scores); what harms is held off by the
         * screens (copies, noise, norm bombs, stale bases), the mixing weights fitted on the
         * averager's own pages, and the check that refuses a merge that raises the loss.
         */
        public List<MinerResult> mergeCandidates() {
            List<MinerResult> out = positive();
            List<MinerResult> rest = new ArrayList<>(results.stream()
                    .filter(m -> m.reason() == null && !m.anomalous() && !(m.score() > 0)
                            && Double.isFinite(m.improvement()))
                    .toList());
            rest.sort((a, b) -> Double.compare(b.improvement(), a.improvement()));
            out.addAll(rest);
            return out;
        }
    }

    private final Settings settings;
    private final DeltaFetcher fetcher;
    private final Listener listener;
    private final BooleanSupplier stopRequested;

    public RoundScorer(Settings settings, DeltaFetcher fetcher, Listener listener, BooleanSupplier stopRequested) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
        this.listener = Objects.requireNonNull(listener, "listener");
        this.stopRequested = Objects.requireNonNull(stopRequested, "stopRequested");
    }

    /** Returns where the decoded delta of {@code hotkey} is kept in {@code cache}. */
    public static Path cachedDelta(Path cache, String hotkey) {
        return cache.resolve(hotkey + ".safetensors");
    }

    /**
     * Scores round {@code round}.
     *
     * @param model the base model (its weights are {@code baseWeights})
     * @param baseRevision the round's base revision (manifests must name it)
     * @param pages the data
     * @param counted the round's counted commitments, earliest first
     * @param history what the caller kept of its earlier rounds (it records this round after)
     * @param evalSeed the seed of the unassigned evaluation and gradient pages (the deadline block's hash)
     * @param cache where decoded deltas go
     * @throws StopRequestedException when a stop was requested before every miner was evaluated
     */
    public Scores score(long round, GptModel model, ParameterSet baseWeights, String baseRevision, TokenPages pages,
            List<Counted> counted, ScoringHistory history, byte[] evalSeed, Path cache) {
        List<SketchHistory.Entry> earlier = history.sketchesBefore(round);
        Map<String, MinerResult> results = new LinkedHashMap<>();
        DeltaScreen screen = new DeltaScreen(baseWeights, settings.screen(), earlier);
        List<Counted> fetched = new ArrayList<>();
        checkStop(round, "fetching", 0, counted.size());
        listener.fetching(0, counted.size());
        List<FetchRequest> requests = counted.stream()
                .map(c -> new FetchRequest(c.hotkey(), c.payload(), cachedDelta(cache, c.hotkey()))).toList();
        // Concurrently, each miner within its own deadline: a silent store costs its own time only.
        Map<String, FetchResult> fetches = fetcher.fetchAll(settings.netuid(), baseRevision, baseWeights, requests);
        for (int i = 0; i < counted.size(); i++) {
            Counted c = counted.get(i);
            FetchResult f = fetches.get(c.hotkey());
            if (!f.accepted()) {
                RejectedDeltaException e = f.rejection();
                listener.rejected(c.hotkey(), e.reason(), e.getCause() instanceof StorageException se ? se : null);
                log.info("r={} miner {} scores 0: {}", round, shortKey(c.hotkey()), e.getMessage());
                results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), e.reason(), e.getMessage()));
                continue;
            }
            Path file = cachedDelta(cache, c.hotkey());
            screen.add(c.hotkey(), c.block(), readDelta(file)).ifPresent(r -> log.info("r={} miner {} screened out: {}",
                    round, shortKey(c.hotkey()), r));
            fetched.add(c);
            listener.progress();
        }
        ScreenReport screened = screen.finish(h -> readDelta(cachedDelta(cache, h)));

        Set<Long> assigned = new HashSet<>();
        for (Counted c : counted) {
            for (long i : pages.pageIndicesFor(round, c.hotkey(), settings.assignedPages())) {
                assigned.add(i);
            }
        }
        // One draw serves both: the first evalPages pages are scored on, the first GRADIENT_PAGES (their first
        // GRADIENT_WINDOW tokens) give the progress check's gradient.
        long[] pool = pages.evalPageIndices(evalSeed, Math.max(settings.evalPages(), ProgressCheck.GRADIENT_PAGES),
                assigned::contains);
        List<int[]> evalPages = pages.pages(java.util.Arrays.copyOf(pool, settings.evalPages()));
        Map<String, ProgressCheck.Measure> progress = new LinkedHashMap<>();
        Map<String, Rejection> noProgress = checkProgress(round, model, baseWeights, fetched, screened, history,
                ProgressCheck.gradientWindow(pages.pages(java.util.Arrays.copyOf(pool, ProgressCheck.GRADIENT_PAGES))),
                cache, progress);
        Evaluator evaluator = new Evaluator(settings.batchSize(), settings.precision());
        Scorer scorer = new Scorer(settings.bonusFraction());
        double baseLoss = Double.NaN;
        double bestLoss = Double.NaN;
        Map<String, String> novelty = new LinkedHashMap<>();
        for (int i = 0; i < fetched.size(); i++) {
            Counted c = fetched.get(i);
            ScreenOutcome outcome = screened.outcome(c.hotkey()).orElseThrow();
            novelty.put(c.hotkey(), String.format(java.util.Locale.ROOT, "%.3f", outcome.novelty()));
            if (!outcome.accepted() || noProgress.containsKey(c.hotkey())) {
                Rejection r = outcome.accepted() ? noProgress.get(c.hotkey()) : outcome.rejection().orElseThrow();
                listener.rejected(c.hotkey(), r.reason().name(), null);
                results.put(c.hotkey(), MinerResult.rejected(c.hotkey(), c.uid(), c.block(), r.reason().name(),
                        r.detail()));
                continue;
            }
            checkStop(round, "evaluating", i, fetched.size());
            listener.evaluating(i, fetched.size());
            log.info("r={} evaluating miner {} ({} of {})", round, shortKey(c.hotkey()), i + 1, fetched.size());
            long start = System.nanoTime();
            ParameterSet delta = readDelta(cachedDelta(cache, c.hotkey()));
            Evaluator.Comparison onEval = evaluator.compareWithDelta(model, baseWeights, delta, evalPages);
            Evaluator.Comparison onAssigned = evaluator.compareWithDelta(model, baseWeights, delta,
                    pages.pagesFor(round, c.hotkey(), settings.assignedPages()));
            double seconds = (System.nanoTime() - start) / 1e9;
            long tokens = onEval.base().tokens() + onEval.withDelta().tokens() + onAssigned.base().tokens()
                    + onAssigned.withDelta().tokens();
            if (seconds > 0) {
                listener.tokensPerSecond(tokens / seconds);
            }
            RoundLosses losses = new RoundLosses(onEval.base().meanLoss(), onEval.withDelta().meanLoss(),
                    onAssigned.base().meanLoss(), onAssigned.withDelta().meanLoss());
            if (Double.isNaN(baseLoss)) {
                baseLoss = onEval.base().meanLoss();
                listener.baseLoss(baseLoss);
            }
            double after = onEval.withDelta().meanLoss();
            if (Double.isFinite(after) && !(after >= bestLoss)) {
                bestLoss = after;
            }
            Score s = scorer.score(losses);
            // Only what is new is paid: the part copied from earlier rounds is anyone's for the taking.
            double share = progress.get(c.hotkey()).newShare();
            double value = s.value() * share;
            if (s.value() > 0) {
                log.info(String.format(java.util.Locale.ROOT, "r=%d miner %s: score %.4f x new share %.3f = %.4f", round,
                        shortKey(c.hotkey()), s.value(), share, value));
            }
            results.put(c.hotkey(), new MinerResult(c.hotkey(), c.uid(), c.block(), s.unassignedImprovement(),
                    s.assignedImprovement(), losses.afterUnassigned(), value, 0, 0, null, null, false));
            listener.progress();
        }
        List<MinerResult> ordered = new ArrayList<>();
        for (Counted c : counted) {
            ordered.add(results.get(c.hotkey()));
        }
        if (!novelty.isEmpty() && !earlier.isEmpty()) {
            log.info("r={} novelty against {} earlier-round deltas: {}", round, earlier.size(),
                    novelty.entrySet().stream().map(e -> shortKey(e.getKey()) + "=" + e.getValue())
                            .collect(Collectors.joining(", ")));
        }
        // Later rounds compare against every delta of this round that anyone could copy from its store
        // (a copier reads what was published, paid or not), except same-round copies and replays, which
        // lie (almost) in the span of deltas already kept: fewer directions keep honest novelty well
        // above chance (about 1 - span/sketch dimension) and the progress check's reads few.
        Map<String, DeltaSketch> kept = new LinkedHashMap<>(screen.sketches());
        kept.keySet().removeIf(h -> screened.outcome(h).flatMap(ScreenOutcome::rejection)
                .map(r -> r.reason() == Rejection.Reason.COPY || r.reason() == Rejection.Reason.REPLAY)
                .orElse(false));
        return new Scores(RoundPolicies.apply(round, ordered, settings.policy(), settings.lossAnomaly()), baseLoss, bestLoss, evalPages.size(), kept);
    }

    /**
     * Runs the {@link ProgressCheck} on every delta the screen accepted, puts each measure in {@code
     * measured} and returns the rejections, by hotkey. Earlier deltas whose layout is not the base's (a model change) are left out of the span.
     */
    private Map<String, Rejection> checkProgress(long round, GptModel model, ParameterSet baseWeights,
            List<Counted> fetched, ScreenReport screened, ScoringHistory history, List<int[]> gradientPages,
            Path cache, Map<String, ProgressCheck.Measure> measured) {
        List<String> accepted = fetched.stream().map(Counted::hotkey)
                .filter(h -> screened.outcome(h).map(ScreenOutcome::accepted).orElse(false)).toList();
        Map<String, Rejection> out = new LinkedHashMap<>();
        if (accepted.isEmpty()) {
            return out;
        }
        checkStop(round, "the progress check of", 0, accepted.size());
        List<java.util.function.Supplier<ParameterSet>> earlier = new ArrayList<>();
        List<DeltaArchive.Entry> archived = history.deltasBefore(round);
        // Small models: keep the earlier deltas in memory rather than re-read them for every pair.
        boolean inMemory = (long) archived.size() * baseWeights.elementCount() * Float.BYTES <= IN_MEMORY_BYTES;
        for (DeltaArchive.Entry e : archived) {
            ParameterSet d = readDelta(e.file());
            try {
                io.tensorswarm.common.tensor.Deltas.requireSameLayout(baseWeights, d, "archived delta", false);
                earlier.add(inMemory ? () -> d : () -> readDelta(e.file()));
            } catch (io.tensorswarm.common.tensor.DeltaMismatchException ex) {
                log.warn("r={} archived delta of {} from round {} left out of the progress check: {}", round,
                        shortKey(e.hotkey()), e.round(), ex.getMessage());
            }
        }
        long start = System.nanoTime();
        LossGradient.Result g = new LossGradient(settings.batchSize(), settings.precision()).compute(model, baseWeights, gradientPages);
        List<ProgressCheck.Measure> measures = ProgressCheck.measure(g.gradient(), earlier,
                accepted.stream().<java.util.function.Supplier<ParameterSet>>map(
                        h -> () -> readDelta(cachedDelta(cache, h))).toList());
        List<String> shown = new ArrayList<>();
        for (int i = 0; i < accepted.size(); i++) {
            String h = accepted.get(i);
            ProgressCheck.Measure m = measures.get(i);
            measured.put(h, m);
            shown.add(String.format(java.util.Locale.ROOT, "%s=z %+.1f (cos %+.4f, new %.2f, share %.2f)", shortKey(h),
                    m.z(), m.cosine(), m.novelty(), m.newShare()));
            ProgressCheck.judge(m, earlier.size()).ifPresent(r -> {
                out.put(h, r);
                log.info("r={} miner {} screened out: {}", round, shortKey(h), r);
            });
        }
        log.info("r={} progress (z-score of the new part's descent on {} pages, gate {}) against {} earlier-round"
                + " deltas, {} s: {}", round, gradientPages.size(), ProgressCheck.Z, earlier.size(),
                String.format(java.util.Locale.ROOT, "%.1f", (System.nanoTime() - start) / 1e9), String.join(", ", shown));
        return out;
    }

    private void checkStop(long round, String step, int index, int total) {
        if (stopRequested.getAsBoolean()) {
            throw new StopRequestedException("round " + round + " abandoned before " + step + " miner " + (index + 1)
                    + " of " + total + "; nothing of it was saved");
        }
    }

    /** Reads a cached decoded delta. */
    public static ParameterSet readDelta(Path file) {
        try {
            return new SafetensorsReader().read(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the cached delta " + file, e);
        }
    }

    private static String shortKey(String hotkey) {
        return io.tensorswarm.common.ops.LogIdentity.shortKey(hotkey);
    }
}
