package io.tensorswarm.averager.run;

import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.averager.merge.MergeResult;
import io.tensorswarm.averager.merge.Merger;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.data.DataException;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.storage.ObjectStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One averager step for round {@code r}: read {@code latest} from the averager's own store, fetch
 * that base, rank round {@code r}'s committed miners by incentive ({@link MinerRanking}), fetch and
 * verify the best {@code G} deltas ({@link DeltaFetcher}; a bad one is skipped and the next in rank
 * takes its place), merge them on the averager's own held-out pages ({@link Merger}), and when the
 * merge is accepted publish the new revision and move {@code latest} ({@link ModelPublisher}).
 * Every completed step ends with {@code <state>/merges/<r>.json}.
 *
 * <p>Momentum: the outer momentum lives in {@link MomentumStore}. When the step with momentum is
 * rejected, the merge retries from zero velocity; if that is accepted the published step carries
 * the fresh velocity, and if it is rejected too the momentum is reset to zero and saved (adaptive
 * restart, see {@link OuterOptimizer}). A rejected round therefore never leaves a stale velocity
 * behind to push every later merge past the optimum.
 *
 * <p>Deterministic: the pages come from a seed derived from the round alone ({@link #pageSeed}),
 * the merge is bit-reproducible, so the same base, deltas and data give the same revision.
 *
 * <p>Stopping: the stop signal is checked between delta fetches, between the merge's passes and
 * right before the upload starts; a stop there throws {@link CancellationException} and leaves
 * {@code latest}, the momentum and the reports as they were (the round runs again after a
 * restart). Once the upload has started the step finishes: upload, read back, stage the momentum,
 * move {@code latest}, commit the momentum, write the report.
 *
 * <p>Crash safety (kill -9 anywhere): {@code latest} moves only after the revision is uploaded and
 * read back complete, so it always names a complete revision; the momentum is written atomically
 * and committed in step with {@code latest} ({@link MomentumStore}), so it survives and matches
 * {@code latest}. A crash before the pointer move leaves the old {@code latest}, the old momentum
 * and no report, and re-running the round publishes the same revision. A crash after the pointer
 * move but before the report leaves the round without a report; re-running it finds the deltas'
 * base no longer current and merges nothing.
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
        this.fetcher = fetcher;
        this.settings = settings;
        this.metrics = metrics;
        this.stop = stop;
    }

    /**
     * Returns the seed of the averager's held-out pages for {@code round}: SHA-256 of {@code
     * "tensorswarm-averager/<round>"}. Known in advance, but the pages avoid every miner's assigned
     * pages, and acceptance is only a gate against harm.
     */
    public static byte[] pageSeed(long round) {
        try {
            return MessageDigest.getInstance("SHA-256")
                    .digest(("tensorswarm-averager/" + round).getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Runs the step for {@code round} and returns its report (also written to the state folder).
     *
     * @throws PublishException when there is no {@code latest} or publishing fails (nothing is
     *     recorded then, so the round can be retried)
     * @throws CancellationException when a stop was requested before the upload started (nothing
     *     is recorded then either)
     */
    public MergeReport run(long round) {
        LatestPointer latest = ModelPublisher.readLatest(store).orElseThrow(() -> new PublishException(
                "no latest in " + store.location() + "; seed it with `averager publish`"));
        metrics.health().detail("base_revision", latest.revision());
        Path baseDir = new BaseModelCache(store, settings.stateDir().resolve("models")).fetch(latest);
        GptConfig config = ModelDirectory.readConfig(baseDir);
        ParameterSet base = ModelDirectory.readWeights(baseDir);

        Map<String, String> skipped = new LinkedHashMap<>();
        Map<String, CommitmentPayload> eligible = eligibleCommitments(round, skipped);
        List<MinerRanking.Ranked> ranked = MinerRanking.rank(chain.metagraph(settings.netuid()), eligible.keySet());
        for (String hotkey : eligible.keySet()) {
            if (ranked.stream().noneMatch(r -> r.hotkey().equals(hotkey))) {
                skipped.put(hotkey, "not registered in the metagraph");
            }
        }
        List<HotkeyDelta> deltas = new ArrayList<>();
        for (MinerRanking.Ranked candidate : ranked) {
            if (deltas.size() == settings.topG()) {
                break;
            }
            checkStop("while fetching deltas");
            DeltaFetcher.Outcome outcome = fetcher.fetch(candidate.hotkey(), eligible.get(candidate.hotkey()),
                    latest.revision(), base);
            if (outcome.fetched()) {
                deltas.add(outcome.delta());
                metrics.progress();
            } else {
                skipped.put(candidate.hotkey(), outcome.reason());
                metrics.error("delta_rejected");
                log.warn("r={} skipped {}: {}", round, candidate.hotkey(), outcome.reason());
            }
        }
        List<String> merged = deltas.stream().map(HotkeyDelta::hotkey).collect(Collectors.toList());
        MomentumStore momentum = new MomentumStore(settings.stateDir());
        OuterOptimizer outer = momentum.load(latest.revision(), base, settings.outerLearningRate(),
                settings.outerMomentum());
        if (deltas.isEmpty()) {
            MergeReport report = new MergeReport(round, latest.revision(), merged, skipped, Map.of(), null, null,
                    false, null, outer.steps(), false, null, "no usable deltas");
            report.write(settings.reportFile(round));
            log.info("r={} nothing to merge ({} committed, {} skipped)", round, eligible.size(), skipped.size());
            return report;
        }

        List<int[]> heldOut = heldOutPages(round, eligible.keySet());
        List<int[]> fit = heldOut.subList(0, settings.fitPages());
        List<int[]> check = heldOut.subList(settings.fitPages(), heldOut.size());
        checkStop("before the merge");
        log.info("r={} merging {} deltas on base {}", round, deltas.size(), latest.revision());
        MergeResult result;
        try (GptModel model = GptModel.fromParameters(config, base, settings.device())) {
            result = new Merger(settings.merge()).merge(model, base, deltas, fit, check, outer, stop);
        }
        metrics.loss("base", result.lossBefore());
        metrics.loss("merged", result.lossAfter());
        if (!result.accepted()) {
            boolean reset = outer.restart();
            if (reset) {
                momentum.save(outer, latest.revision());
            }
            metrics.error("merge_rejected");
            MergeReport report = new MergeReport(round, latest.revision(), merged, skipped, result.alphas(),
                    MergeReport.finiteOrNull(result.lossBefore()), MergeReport.finiteOrNull(result.lossAfter()),
                    false, null, outer.steps(), reset, momentumLoss(result),
                    "merged model did not improve the check loss; latest unchanged"
                            + (reset ? "; outer momentum reset" : ""));
            report.write(settings.reportFile(round));
            log.info("r={} rejected merge of {}: loss {} -> {}{}", round, merged, result.lossBefore(),
                    result.lossAfter(), reset ? "; outer momentum reset to zero" : "");
            return report;
        }

        Path staged = stage(round, result.newWeights(), baseDir);
        checkStop("before publishing"); // the last point to abandon: from here on the step finishes
        long nextRound = Math.max(round + 1, settings.clock().roundOf(chain.currentBlock()) + 1);
        ModelPublisher publisher = new ModelPublisher(store);
        log.info("r={} publishing the merged model", round);
        String revision = publisher.uploadRevision(staged);
        outer.accept(result.step());
        momentum.stage(outer, revision);
        LatestPointer published = new LatestPointer(revision, nextRound);
        publisher.movePointer(published);
        momentum.commit();
        MergeReport report = new MergeReport(round, latest.revision(), merged, skipped, result.alphas(),
                result.lossBefore(), result.lossAfter(), true, published.revision(), outer.steps(),
                result.restarted(), momentumLoss(result), "published; latest moved"
                        + (result.restarted() ? "; outer momentum reset (the step with it was rejected)" : ""));
        report.write(settings.reportFile(round));
        deleteQuietly(staged);
        log.info("r={} merged {} (alphas {}): loss {} -> {}, published {} for round {}{}", round, merged,
                result.alphas(), result.lossBefore(), result.lossAfter(), published.revision(), published.round(),
                result.restarted() ? " (from zero momentum)" : "");
        return report;
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
     * Returns the hotkeys whose commitment is for {@code round} and in time, recording why others are not.
     * A commitment of the same delta hash as an earlier one is a copy and is skipped; when the earliest
     * block holds several, all of them are (as the validator rules: an honest miner uploads only after
     * its commitment's block, so no copier can land in that block).
     */
    private Map<String, CommitmentPayload> eligibleCommitments(long round, Map<String, String> skipped) {
        Map<String, CommitmentPayload> out = new LinkedHashMap<>();
        Map<String, Long> firstBlockOfHash = new HashMap<>();
        Map<String, List<String>> hotkeysOfHash = new HashMap<>();
        List<Commitment> ordered = new ArrayList<>(chain.commitments(settings.netuid()));
        ordered.sort(Comparator.comparingLong(Commitment::block).thenComparing(Commitment::hotkey));
        for (Commitment c : ordered) {
            CommitmentPayload payload;
            try {
                payload = CommitmentPayload.parse(c.data());
            } catch (ProtocolException e) {
                continue; // another round's or another protocol's commitment: not ours to judge
            }
            if (payload.round() != round) {
                continue;
            }
            if (!settings.clock().isBeforeDeadline(round, c.block())) {
                skipped.put(c.hotkey(), "committed in block " + c.block() + ", not before the deadline "
                        + settings.clock().deadlineBlock(round));
                continue;
            }
            String sha = payload.binding();
            Long first = firstBlockOfHash.putIfAbsent(sha, c.block());
            if (first != null) {
                skipped.put(c.hotkey(), first == c.block()
                        ? "copy: the same delta hash was committed in the same block " + first
                        : "copy: the same delta hash was committed in block " + first);
                if (first == c.block()) {
                    for (String other : hotkeysOfHash.get(sha)) {
                        if (out.remove(other) != null) {
                            skipped.put(other, "copy: the same delta hash was committed in the same block " + first);
                        }
                    }
                }
                continue;
            }
            hotkeysOfHash.computeIfAbsent(sha, k -> new ArrayList<>()).add(c.hotkey());
            out.put(c.hotkey(), payload);
        }
        return out;
    }

    /** Returns fit pages then check pages, avoiding every committed miner's assigned pages if possible. */
    private List<int[]> heldOutPages(long round, Set<String> hotkeys) {
        int n = settings.fitPages() + settings.checkPages();
        Set<Long> assigned = new HashSet<>();
        for (String hotkey : hotkeys.stream().sorted().toList()) {
            for (long i : pages.pageIndicesFor(round, hotkey, settings.minerPages())) {
                assigned.add(i);
            }
        }
        long[] indices;
        try {
            indices = pages.evalPageIndices(pageSeed(round), n, assigned::contains);
        } catch (DataException e) {
            log.warn("cannot avoid the miners' pages ({}); sampling from all pages", e.getMessage());
            indices = pages.evalPageIndices(pageSeed(round), n);
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

    private static void deleteQuietly(Path dir) {
        try (var files = Files.list(dir)) {
            for (Path p : files.toList()) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            log.debug("could not clean {}: {}", dir, e.getMessage());
        }
    }
}
