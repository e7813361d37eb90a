package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.MergeResult;
import io.tensorswarm.averager.merge.Merger;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.data.DataException;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.protocol.BaseRecord;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.protocol.RoundCommitments;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.StopRequestedException;
import io.tensorswarm.protocol.scoring.MinerResult;
import io.tensorswarm.protocol.scoring.RoundScorer;
import io.tensorswarm.protocol.scoring.ScoringHistory;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One averager step for round {@code r}:
 * <ol>
 *   <li>find the round's base ({@link BaseHistory}: the base the miners trained on) and the newest
 *       base (the history's head, which the merge is applied to);
 *   <li>read the round's counted commitments ({@link RoundCommitments}, at the deadline block) and
 *       score every miner with the validators' own code ({@link RoundScorer}: fetch and verify,
 *       screen with the norm bound, same-round copies and replays of earlier rounds, evaluate on the
 *       validators' evaluation pages), so a delta is merged only if it passed every check validators make;
 *   <li>merge the best {@code G} of them ({@link RoundScorer.Scores#mergeCandidates}: positive scores
 *       first, then the others that passed every check) ({@link Merger}) on fit and check pages seeded
 *       by the hash of the block that closes the round's uploads (nobody knows them while a delta can
 *       still change); when the merge of all G is refused, the best single delta is tried alone, so
 *       one harmful delta cannot sink the round;
 *   <li>publish the new revision as the base of the first round that has not started
 *       ({@link io.tensorswarm.common.protocol.RoundTiming#firstRoundForBaseAt}), appending it to the
 *       history: a merge that finishes after the next round started is still applied, one round later.
 * </ol>
 * Every completed step ends with {@code <state>/merges/<r>.json}.
 *
 * <p>Momentum: the outer momentum lives in {@link MomentumStore}, keyed by the newest base. When the
 * step with momentum is rejected, the merge retries from zero velocity; if that is rejected too the
 * momentum is reset (adaptive restart, see {@link OuterOptimizer}).
 *
 * <p>Stopping and crash safety: the stop signal is checked between fetches and evaluations, between
 * the merge's passes and right before the upload starts; a stop there throws {@link
 * CancellationException} and leaves the history, the momentum and the reports as they were. Once the
 * upload has started the step finishes. The history moves only after the revision is uploaded and
 * read back; the momentum is committed in step with it.
 */
public final class AveragerRound {
    private static final Logger log = LoggerFactory.getLogger(AveragerRound.class);

    private final Chain chain;
    private final ObjectStore store;
    private final TokenPages pages;
    private final DeltaFetcher fetcher;
    private final AveragerSettings settings;
    private final DaemonMetrics metrics;
    private final BooleanSupplier stop;

    /** Creates a step with metrics nobody reads and no stop signal. */
    public AveragerRound(Chain chain, ObjectStore store, TokenPages pages, DeltaFetcher fetcher,
            AveragerSettings settings) {
        this(chain, store, pages, fetcher, settings, DaemonMetrics.unexported(), () -> false);
    }

    /**
     * Creates a step.
     *
     * @param metrics where losses, rejected deltas and merges are counted
     * @param stop returns true once the daemon should stop (checked at safe points)
     */
    public AveragerRound(Chain chain, ObjectStore store, TokenPages pages, DeltaFetcher fetcher,
            AveragerSettings settings, DaemonMetrics metrics, BooleanSupplier stop) {
        this.chain = chain;
        this.store = store;
        this.pages = pages;
        this.fetcher = fetcher.keepingSparseEncoded(); // sparse deltas are merged from their kept files
        this.settings = settings;
        this.metrics = metrics;
        this.stop = stop;
    }

    /**
     * Runs the step for {@code round} and returns its report (also written to the state folder).
     *
     * @throws PublishException when there is no base or publishing fails (nothing is recorded then,
     *     so the round can be retried)
     * @throws CancellationException when a stop was requested before the upload started (nothing
     *     is recorded then either)
     */
    public MergeReport run(long round) {
        BaseModelSource bases = new BaseModelSource(store, settings.stateDir().resolve("models"),
                BaseModelSource.DEFAULT_MAX_MODEL_BYTES);
        BaseHistory history = new BaseHistory(store);
        LatestPointer roundBase = history.forRound(round).orElseThrow(() -> new PublishException(
                "no base for round " + round + " in " + store.location() + "; seed it with `averager publish`"));
        BaseRecord newest = history.head().orElseThrow();
        metrics.health().detail("base_revision", newest.revision());
        MergeReport resumed = finishPublishedBeforeARestart(round, roundBase, newest);
        if (resumed != null) {
            return resumed;
        }
        Path roundBaseDir = bases.fetch(roundBase.revision()).dir();
        Path newestDir = bases.fetch(newest.revision()).dir();
        GptConfig config = ModelDirectory.readConfig(roundBaseDir);

        Map<String, Integer> uids = chain.metagraph(settings.netuid()).neurons().stream()
                .collect(Collectors.toMap(Neuron::hotkey, Neuron::uid));
        List<RoundCommitments.Counted> counted = RoundCommitments.read(chain, settings.netuid(), settings.clock(),
                round, uids);
        Path cache = settings.stateDir().resolve("work").resolve("deltas-" + round);
        try {
            RoundScorer.Scores scores = score(round, roundBase.revision(), roundBaseDir, counted, cache);
            List<MinerResult> ranked = scores.mergeCandidates();
            Set<String> candidates = ranked.stream().map(MinerResult::hotkey).collect(Collectors.toSet());
            Map<String, String> skipped = new LinkedHashMap<>();
            Map<String, Double> scoreMap = new LinkedHashMap<>();
            for (MinerResult m : scores.results()) {
                scoreMap.put(m.hotkey(), m.score());
                if (m.reason() != null) {
                    skipped.put(m.hotkey(), m.reason() + ": " + m.detail());
                    metrics.error("delta_rejected");
                } else if (!candidates.contains(m.hotkey())) {
                    skipped.put(m.hotkey(), m.anomalous() ? "scored 0 as an outlier of the round's losses"
                            : "scored 0 (its loss after the delta is not finite)");
                }
            }
            List<String> top = ranked.stream().limit(settings.topG()).map(MinerResult::hotkey).toList();
            ranked.stream().skip(settings.topG()).forEach(m -> skipped.put(m.hotkey(), "below the top "
                    + settings.topG()));
            MomentumStore momentum = new MomentumStore(settings.stateDir());
            ParameterSet target = ModelDirectory.readWeights(newestDir);
            OuterOptimizer outer = momentum.load(newest.revision(), target, settings.outerLearningRate(),
                    settings.outerMomentum());
            if (top.isEmpty()) {
                MergeReport report = new MergeReport(round, roundBase.revision(), newest.revision(), null, scoreMap,
                        List.of(), skipped, Map.of(), null, null, false, null, outer.steps(), false, null,
                        "no usable deltas");
                report.write(settings.reportFile(round));
                log.info("r={} nothing to merge ({} committed, none passed the checks)", round, counted.size());
                return report;
            }
            List<int[]> heldOut = heldOutPages(round, counted.stream().map(RoundCommitments.Counted::hotkey).toList());
            List<int[]> fit = heldOut.subList(0, settings.fitPages());
            List<int[]> check = heldOut.subList(settings.fitPages(), heldOut.size());
            checkStop("before the merge");
            log.info("r={} merging {} deltas (trained on {}) onto {}", round, top.size(), shortHash(roundBase.revision()),
                    shortHash(newest.revision()));
            MergeResult result = merge(config, target, cache, top, fit, check, outer);
            List<String> merged = new ArrayList<>(result.alphas().keySet());
            if (merged.size() < top.size()) {
                top.stream().filter(h -> !merged.contains(h)).forEach(h -> skipped.put(h,
                        "left out: the merge with it was refused and the best delta alone was merged"));
            }
            metrics.loss("base", result.lossBefore());
            metrics.loss("merged", result.lossAfter());
            if (!result.accepted()) {
                boolean reset = outer.restart();
                if (reset) {
                    momentum.save(outer, newest.revision());
                }
                metrics.error("merge_rejected");
                MergeReport report = new MergeReport(round, roundBase.revision(), newest.revision(), null, scoreMap,
                        merged, skipped, result.alphas(), MergeReport.finiteOrNull(result.lossBefore()),
                        MergeReport.finiteOrNull(result.lossAfter()), false, null, outer.steps(), reset,
                        momentumLoss(result), "merged model did not improve the check loss; the base is unchanged"
                                + (reset ? "; outer momentum reset" : ""));
                report.write(settings.reportFile(round));
                log.info("r={} rejected merge of {}: loss {} -> {}{}", round, merged, result.lossBefore(),
                        result.lossAfter(), reset ? "; outer momentum reset to zero" : "");
                return report;
            }

            Path staged = stage(round, result.newWeights(), newestDir);
            checkStop("before publishing"); // the last point to abandon: from here on the step finishes
            ModelPublisher publisher = new ModelPublisher(store);
            log.info("r={} publishing the merged model", round);
            String revision = publisher.uploadRevision(staged);
            long firstRound = Math.max(newest.round() + 1,
                    settings.timing().firstRoundForBaseAt(chain.currentBlock()));
            outer.accept(result.step());
            momentum.stage(outer, revision);
            writeJournal(new Journal(round, revision));
            publisher.append(new LatestPointer(revision, firstRound));
            momentum.commit();
            MergeReport report = new MergeReport(round, roundBase.revision(), newest.revision(), firstRound, scoreMap,
                    merged, skipped, result.alphas(), result.lossBefore(), result.lossAfter(), true, revision,
                    outer.steps(), result.restarted(), momentumLoss(result), "published for round " + firstRound
                            + (result.restarted() ? "; outer momentum reset (the step with it was rejected)" : ""));
            report.write(settings.reportFile(round));
            deleteQuietly(settings.stateDir().resolve(JOURNAL_FILE));
            deleteQuietly(staged);
            log.info("r={} merged {} (alphas {}): loss {} -> {}, published {} for round {}{}", round, merged,
                    result.alphas(), result.lossBefore(), result.lossAfter(), revision, firstRound,
                    result.restarted() ? " (from zero momentum)" : "");
            return report;
        } finally {
            deleteQuietly(cache);
        }
    }

    /** File of the publish journal: which round's merge is being appended to the history. */
    static final String JOURNAL_FILE = "publishing.json";
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** The round whose merge is being published, and its revision; written before the history moves. */
    record Journal(long round, String revision) {}

    private void writeJournal(Journal j) {
        try {
            io.tensorswarm.common.safetensors.AtomicFiles.write(settings.stateDir().resolve(JOURNAL_FILE),
                    JSON.writeValueAsBytes(j));
        } catch (IOException e) {
            throw new PublishException("cannot write the publish journal in " + settings.stateDir() + ": "
                    + e.getMessage(), e);
        }
    }

    /**
     * After a crash between the history append and the report, the round's merge is already the newest
     * base: merging it again would apply the same deltas twice. Finishes that round instead (the
     * momentum store commits its staged velocity on load) and returns its report; null otherwise.
     */
    private MergeReport finishPublishedBeforeARestart(long round, LatestPointer roundBase, BaseRecord newest) {
        Path file = settings.stateDir().resolve(JOURNAL_FILE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        Journal j;
        try {
            j = JSON.readValue(file.toFile(), Journal.class);
        } catch (IOException e) {
            throw new PublishException("cannot read the publish journal " + file + ": " + e.getMessage()
                    + "; move it away if no merge was being published", e);
        }
        if (j.round() != round || !j.revision().equals(newest.revision())) {
            deleteQuietly(file); // the append never happened: the round runs again as usual
            return null;
        }
        ParameterSet weights = ModelDirectory.readWeights(new BaseModelSource(store, settings.stateDir().resolve("models"),
                BaseModelSource.DEFAULT_MAX_MODEL_BYTES).fetch(newest.revision()).dir());
        OuterOptimizer outer = new MomentumStore(settings.stateDir()).load(newest.revision(), weights,
                settings.outerLearningRate(), settings.outerMomentum());
        MergeReport report = new MergeReport(round, roundBase.revision(), newest.revision(), newest.round(), Map.of(),
                List.of(), Map.of(), Map.of(), null, null, true, newest.revision(), outer.steps(), false, null,
                "published for round " + newest.round() + " before a restart; finished");
        report.write(settings.reportFile(round));
        deleteQuietly(file);
        log.info("r={} was published ({}) before a restart; not merging it again", round, newest.revision());
        return report;
    }

    /** Scores the round as validators do, on the round's own base. */
    private RoundScorer.Scores score(long round, String revision, Path baseDir, List<RoundCommitments.Counted> counted,
            Path cache) {
        ScoringHistory history = ScoringHistory.open(settings.stateDir(), settings.scoring().screen());
        RoundScorer scorer = new RoundScorer(settings.scoring(), fetcher, new RoundScorer.Listener() {
            @Override
            public void progress() {
                metrics.progress();
            }
        }, stop);
        byte[] seed = chain.blockHash(settings.clock().seedBlock(round));
        RoundScorer.Scores scores;
        try (GptModel model = ModelDirectory.load(baseDir, settings.device())) {
            scores = scorer.score(round, model, model.parameters(), revision, pages, counted, history,
                    seed, cache);
        } catch (StopRequestedException e) {
            throw new CancellationException(e.getMessage());
        }
        history.record(round, scores, cache);
        return scores;
    }

    /** Merges the chosen deltas, or the best one alone when that is refused ({@link ChosenDeltasMerge}). */
    private MergeResult merge(GptConfig config, ParameterSet target, Path cache, List<String> top, List<int[]> fit,
            List<int[]> check, OuterOptimizer outer) {
        try (GptModel model = GptModel.fromParameters(config, target, settings.device())) {
            return ChosenDeltasMerge.merge(new Merger(settings.merge()), model, target, cache, top, fit, check, outer,
                    stop);
        }
    }

    private static Double momentumLoss(MergeResult result) {
        return result.restarted() ? MergeReport.finiteOrNull(result.momentumLoss()) : null;
    }

    private void checkStop(String where) {
        if (stop.getAsBoolean()) {
            throw new CancellationException("stop requested " + where);
        }
    }

    /**
     * Returns fit pages then check pages, seeded by the hash of the block that closes the round's
     * uploads and avoiding every committed miner's assigned pages if possible.
     */
    private List<int[]> heldOutPages(long round, List<String> hotkeys) {
        int n = settings.fitPages() + settings.checkPages();
        Set<Long> assigned = new HashSet<>();
        for (String hotkey : hotkeys.stream().sorted().toList()) {
            for (long i : pages.pageIndicesFor(round, hotkey, settings.minerPages())) {
                assigned.add(i);
            }
        }
        byte[] seed = chain.blockHash(settings.clock().mergeSeedBlock(round));
        long[] indices;
        try {
            indices = pages.evalPageIndices(seed, n, assigned::contains);
        } catch (DataException e) {
            log.warn("cannot avoid the miners' pages ({}); sampling from all pages", e.getMessage());
            indices = pages.evalPageIndices(seed, n);
        }
        if (indices.length < n) {
            throw new DataException("the data has only " + indices.length + " pages for the averager's " + n
                    + " held-out pages");
        }
        log.debug("held-out pages {}", Arrays.toString(indices));
        return pages.pages(indices);
    }

    /** Writes the merged weights and the base's config (and tokenizer) to a staging folder. */
    private Path stage(long round, ParameterSet weights, Path baseDir) {
        Path dir = settings.stateDir().resolve("staging").resolve(Long.toString(round));
        try {
            Files.createDirectories(dir);
            new SafetensorsWriter().write(weights, dir.resolve(ModelDirectory.WEIGHTS_FILE));
            Files.copy(baseDir.resolve(ModelDirectory.CONFIG_FILE), dir.resolve(ModelDirectory.CONFIG_FILE),
                    StandardCopyOption.REPLACE_EXISTING);
            Path tokenizer = baseDir.resolve(ModelPublisher.TOKENIZER_FILE);
            if (Files.isRegularFile(tokenizer)) {
                Files.copy(tokenizer, dir.resolve(ModelPublisher.TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new PublishException("cannot stage the merged model in " + dir + ": " + e.getMessage(), e);
        }
        return dir;
    }

    private static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static void deleteQuietly(Path dir) {
        if (!Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            log.debug("could not clean {}: {}", dir, e.getMessage());
        }
    }
}
