package io.tensorswarm.bench;

import ai.djl.Device;
import io.tensorswarm.averager.merge.MergeConfig;
import io.tensorswarm.averager.merge.MergeResult;
import io.tensorswarm.averager.merge.Merger;
import io.tensorswarm.averager.merge.MixingConfig;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.averager.run.ChosenDeltasMerge;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519ManifestSigner;
import io.tensorswarm.chain.crypto.Sr25519SignatureVerifier;
import io.tensorswarm.common.data.DataException;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.safetensors.SafetensorsReader;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.TrainingListener;
import io.tensorswarm.miner.worker.DeltaProducer;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.protocol.RoundCommitments;
import io.tensorswarm.protocol.fetch.DeltaFetcher;
import io.tensorswarm.protocol.fetch.LocatorSchemes;
import io.tensorswarm.protocol.scoring.MinerResult;
import io.tensorswarm.protocol.scoring.RoundScorer;
import io.tensorswarm.protocol.scoring.Scorer;
import io.tensorswarm.protocol.scoring.ScoringHistory;
import io.tensorswarm.protocol.scoring.ScreenConfig;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.ObjectStores;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * One swarm configuration, round after round, through the code the daemons run:
 *
 * <ol>
 *   <li>every miner trains the round's base on its assigned pages ({@code TokenPages.pagesFor(round,
 *       hotkey, pages)}) with the miner's own training job ({@link DeltaProducer}, as {@code miner
 *       run --worker in-process} runs it, for S steps rather than until a deadline), which keeps the
 *       miner's AdamW state across rounds and encodes the delta with the codec, through the miner's
 *       error-feedback residual for the sparse codecs; residual and optimizer state move forward
 *       after the upload, as the miner's do;
 *   <li>the miner signs a manifest and uploads delta and manifest to its own {@code file://} store,
 *       and its commitment payload ({@link CommitmentPayload#forDelta}) is what counts for the
 *       round (no chain: commitments are listed in miner order, one block apart);
 *   <li>the averager scores the round with the validators' {@link RoundScorer} (fetch, verify and
 *       decode with {@link DeltaFetcher}; screen; progress check; evaluation on unassigned and
 *       assigned pages; {@link Scorer}), keeping its {@link ScoringHistory} across rounds;
 *   <li>it reads those deltas as the averager does (sparse codecs' as their kept entries) and
 *       merges the best {@code G} merge candidates ({@code Scores.mergeCandidates}) with {@link Merger} (mixing weights, Nesterov
 *       outer step, check-loss gate, restart from zero velocity), merging the best delta alone when
 *       the merge of all is refused, and accepts or restarts its {@link OuterOptimizer} as {@code
 *       averager run} does; the merged model is the next round's base (a synchronous merge: the
 *       subnet's one-round-delayed schedule is not modelled);
 *   <li>the new base's loss on the fixed held-out pages is one point of the curve.
 * </ol>
 */
final class SwarmRun {
    static final int NETUID = 1;
    /** Only for the commitments' blocks: round r's miners commit in blocks 20r + 1, 20r + 2, ... */
    private static final RoundClock CLOCK = new RoundClock(20, 2);

    private final BenchData data;
    private final SwarmSettings settings;
    private final PrintStream progress;

    SwarmRun(BenchData data, PrintStream progress) {
        this.data = data;
        this.settings = data.settings();
        this.progress = progress;
    }

    /** A miner: its hotkey, its store and the paths of its residual. */
    private record Miner(int uid, Sr25519KeyPair key, String hotkey, Path storeDir, String locator, Path residual,
            Path residualNext, Path optimizer, Path optimizerNext, Path out) {}

    /**
     * Runs the swarm with {@code k} miners publishing in {@code codec} and the averager stepping with
     * {@code outerLr} and {@code momentum}; {@code label} names it in the progress lines.
     */
    RunResult run(String label, int k, String codec, float outerLr, float momentum, RunResult oneMachine)
            throws IOException {
        long started = System.nanoTime();
        Path dir = Files.createTempDirectory(settings.workDir(), "swarm-");
        DeltaCodec codecImpl = DeltaCodecs.forName(codec);
        boolean feedback = codecImpl.needsErrorFeedback();
        List<Miner> miners = new ArrayList<>();
        for (int i = 0; i < k; i++) {
            Sr25519KeyPair key = data.hotkeys(k).get(i);
            Path store = Files.createDirectories(dir.resolve("m" + i));
            String locator = store.toUri().toString();
            CommitmentPayload.checkLocator(locator);
            Path work = Files.createDirectories(dir.resolve("w" + i));
            miners.add(new Miner(i, key, key.ss58Address(), store, locator,
                    feedback ? work.resolve("error-feedback.safetensors") : null,
                    feedback ? work.resolve("residual-next.safetensors") : null,
                    settings.keepOptimizer() ? work.resolve("optimizer.safetensors") : null,
                    settings.keepOptimizer() ? work.resolve("optimizer-next.safetensors") : null,
                    work.resolve("delta.safetensors")));
        }
        DeltaFetcher fetcher = DeltaFetcher.builder()
                .setStoreOpener(loc -> ObjectStores.open(loc, StorageOptions.defaults()))
                .setVerifier(new Sr25519SignatureVerifier())
                .setMaxDeltaBytes(64L << 30)
                .optAllowedSchemes(LocatorSchemes.of(List.of("file")))
                .build()
                .keepingSparseEncoded(); // as the averager's: sparse codecs' files kept for the sparse merge
        RoundScorer.Settings scoring = new RoundScorer.Settings(NETUID, settings.pages(), settings.scorePages(),
                settings.evalBatch(), Scorer.DEFAULT_BONUS_FRACTION, RoundScorer.Policy.SCORE, false,
                ScreenConfig.defaults(), Precision.FP32);
        RoundScorer scorer = new RoundScorer(scoring, fetcher, new RoundScorer.Listener() {}, () -> false);
        ScoringHistory history = ScoringHistory.open(dir.resolve("scorer"), scoring.screen());
        OuterOptimizer outer = new OuterOptimizer(outerLr, momentum);
        Merger merger = new Merger(new MergeConfig(MixingConfig.defaults()
                .withIterations(settings.mixingIterations()).withBatchSize(settings.evalBatch()), settings.evalBatch()));
        int topG = settings.topGFor(k);

        List<RunResult.Point> points = new ArrayList<>();
        points.add(new RunResult.Point(0, 0, data.initialLoss()));
        Path baseDir = data.initialDir();
        String revision = data.initialRevision();
        long tokens = 0;
        long steps = 0;
        long deltaBytes = 0;
        long fp32Bytes = 0;
        int deltas = 0;
        int evaluated = 0;
        int raised = 0;
        int zero = 0;
        int accepted = 0;
        int refused = 0;
        int restarts = 0;
        Map<String, Integer> rejected = new TreeMap<>();
        double trainSeconds = 0;
        try {
            for (int r = 0; r < settings.rounds(); r++) {
                long t0 = System.nanoTime();
                List<RoundCommitments.Counted> counted = new ArrayList<>();
                long roundBytes = 0;
                for (Miner m : miners) {
                    TrainJob job = settings.keepOptimizer()
                            // miner run's job, with S steps instead of a deadline
                            ? new TrainJob(baseDir, revision, settings.data(), BenchData.TEXT_FIELD,
                                    settings.tokenCache(), "cpu", r, m.hotkey(), settings.pages(), settings.steps(),
                                    null, settings.batchSize(), 1, Precision.FP32, settings.learningRate(),
                                    settings.warmupSteps(), settings.decaySteps(), codec, m.residual(), m.residualNext(),
                                    m.optimizer(), m.optimizerNext(), m.out())
                            : new TrainJob(baseDir, revision, settings.data(), BenchData.TEXT_FIELD,
                                    settings.tokenCache(), "cpu", r, m.hotkey(), settings.pages(), settings.steps(),
                                    settings.batchSize(), 1, Precision.FP32, settings.learningRate(), codec,
                                    m.residual(), m.residualNext(), m.out());
                    TrainResult trained = DeltaProducer.produce(job, TrainingListener.NONE);
                    tokens += trained.tokens();
                    steps += trained.steps();
                    long size = Files.size(m.out());
                    roundBytes += size;
                    if (fp32Bytes == 0) {
                        fp32Bytes = fp32FileBytes(m.out(), baseDir, dir);
                    }
                    counted.add(publish(m, r, revision, codec));
                    // The miner moves its residual and optimizer state forward once the round is published.
                    if (feedback) {
                        Files.move(m.residualNext(), m.residual(), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                    if (m.optimizerNext() != null && Files.isRegularFile(m.optimizerNext())) {
                        Files.move(m.optimizerNext(), m.optimizer(), StandardCopyOption.REPLACE_EXISTING,
                                StandardCopyOption.ATOMIC_MOVE);
                    }
                }
                deltaBytes += roundBytes;
                deltas += miners.size();
                double train = seconds(t0);
                trainSeconds += train;

                long t1 = System.nanoTime();
                Path cache = dir.resolve("cache-" + r);
                double loss;
                String mergeNote;
                double score;
                double merge;
                int positive;
                try (GptModel model = ModelDirectory.load(baseDir, Device.cpu())) {
                    ParameterSet baseWeights = model.parameters();
                    RoundScorer.Scores scores = scorer.score(r, model, baseWeights, revision, data.pages(), counted,
                            history, seed("eval", r), cache);
                    history.record(r, scores, cache);
                    for (MinerResult res : scores.results()) {
                        if (res.reason() != null) {
                            rejected.merge(res.reason(), 1, Integer::sum);
                        } else {
                            evaluated++;
                            if (res.assignedImprovement() < 0) {
                                raised++;
                            }
                            if (!(res.score() > 0)) {
                                zero++;
                            }
                        }
                    }
                    positive = scores.positive().size();
                    List<String> top = scores.mergeCandidates().stream().limit(topG).map(MinerResult::hotkey).toList();
                    score = seconds(t1);

                    long t2 = System.nanoTime();
                    MergeResult result = null;
                    if (!top.isEmpty()) {
                        List<int[]> heldOut = mergePages(r, miners);
                        List<int[]> fit = heldOut.subList(0, settings.fitPages());
                        List<int[]> check = heldOut.subList(settings.fitPages(), heldOut.size());
                        result = ChosenDeltasMerge.merge(merger, model, baseWeights, cache, top, fit, check, outer,
                                () -> false);
                    }
                    if (result != null && result.accepted()) {
                        outer.accept(result.step());
                        accepted++;
                        restarts += result.restarted() ? 1 : 0;
                        model.loadParameters(result.newWeights());
                        Path next = dir.resolve("base-" + (r + 1));
                        ModelDirectory.save(model, next);
                        if (!baseDir.equals(data.initialDir())) {
                            deleteTree(baseDir);
                        }
                        baseDir = next;
                        revision = Sha256.ofFile(next.resolve(ModelDirectory.WEIGHTS_FILE));
                        mergeNote = String.format(Locale.ROOT, "merged %d of %d%s (check %.4f -> %.4f)",
                                result.alphas().size(), k, result.restarted() ? " from rest" : "",
                                result.lossBefore(), result.lossAfter());
                    } else {
                        if (result != null) {
                            refused++;
                            restarts += result.restarted() ? 1 : 0;
                            outer.restart();
                        }
                        mergeNote = result == null ? "nothing to merge"
                                : String.format(Locale.ROOT, "merge refused (check %.4f -> %.4f)", result.lossBefore(),
                                        result.lossAfter());
                    }
                    merge = seconds(t2);
                    loss = data.evaluator().evaluate(model, data.heldOut()).meanLoss();
                } finally {
                    deleteTree(cache);
                }
                points.add(new RunResult.Point(r + 1, tokens, loss));
                RunResult.Point reference = oneMachine == null || oneMachine.points().size() <= r + 1 ? null
                        : oneMachine.points().get(r + 1);
                progress.printf(Locale.ROOT, "swarm %s K=%d %s r=%d/%d: %,d tokens, held-out %.4f%s; %d of %d scored"
                        + " above 0, %s; %.0f B/delta; train %.1f s, score %.1f s, merge %.1f s%n", settings.modelName(), k,
                        label, r + 1, settings.rounds(), tokens, loss,
                        reference == null ? "" : String.format(Locale.ROOT, " (one machine %.4f)", reference.loss()),
                        positive, k, mergeNote, (double) roundBytes / miners.size(), train, score, merge);
            }
        } finally {
            deleteTree(dir);
        }
        return new RunResult(label, codec, k, outerLr, momentum, points, steps, seconds(started), trainSeconds,
                deltas == 0 ? 0 : (double) deltaBytes / deltas, fp32Bytes, deltas, evaluated, raised, zero, rejected,
                accepted, refused, restarts);
    }

    /**
     * Signs the miner's manifest and uploads delta and manifest to its store at the protocol's keys;
     * returns its commitment as a validator counts it.
     */
    private static RoundCommitments.Counted publish(Miner m, long round, String revision, String codec)
            throws IOException {
        Path file = m.out();
        String sha = Sha256.ofFile(file);
        SafetensorsHeader header = new SafetensorsReader().readHeader(file);
        long block = CLOCK.startBlock(round) + 1 + Math.min(m.uid(), CLOCK.roundBlocks() - 4);
        DeltaManifest manifest = DeltaManifest.unsigned(m.hotkey(), NETUID, round, revision, codec, sha,
                Files.size(file), header.size(), block).sign(new Sr25519ManifestSigner(m.key()));
        try (ObjectStore store = ObjectStores.open(m.locator(), StorageOptions.defaults())) {
            store.put(PutRequest.ofFile(StorageLayout.deltaKey(round, m.hotkey()), file));
            store.put(PutRequest.ofBytes(StorageLayout.manifestKey(round, m.hotkey()), manifest.toJson()));
        }
        CommitmentPayload payload = CommitmentPayload.forDelta(NETUID, round, m.hotkey(), sha, m.locator());
        return new RoundCommitments.Counted(m.hotkey(), m.uid(), block, payload);
    }

    /**
     * Returns the averager's fit then check pages for the round: drawn from a seed nobody trains
     * against, avoiding every miner's assigned pages (as {@code averager run} does).
     */
    private List<int[]> mergePages(long round, List<Miner> miners) {
        int n = settings.fitPages() + settings.checkPages();
        Set<Long> assigned = new HashSet<>();
        for (Miner m : miners) {
            for (long i : data.pages().pageIndicesFor(round, m.hotkey(), settings.pages())) {
                assigned.add(i);
            }
        }
        long[] indices;
        try {
            indices = data.pages().evalPageIndices(seed("merge", round), n, assigned::contains);
        } catch (DataException e) {
            indices = data.pages().evalPageIndices(seed("merge", round), n);
        }
        if (indices.length < n) {
            indices = data.pages().evalPageIndices(seed("merge", round), n);
        }
        return data.pages().pages(indices);
    }

    /**
     * Returns the size of the {@code fp32} file of the same delta: the stored delta decoded, with the
     * metadata the miner writes, encoded with {@code fp32} and written as a miner writes it.
     */
    private static long fp32FileBytes(Path stored, Path baseDir, Path scratch) throws IOException {
        ParameterSet file = new SafetensorsReader().read(stored);
        ParameterSet layout = ModelDirectory.readWeights(baseDir);
        ParameterSet decoded = DeltaCodecs.forStored(file).decode(file, layout);
        ParameterSet.Builder tagged = ParameterSet.builder();
        decoded.forEach(tagged::add);
        for (String key : List.of(DeltaMetadata.FORMAT, DeltaMetadata.KIND, DeltaMetadata.BASE_REVISION,
                DeltaMetadata.STEPS, DeltaMetadata.TOKENS)) {
            String value = file.metadata().get(key);
            if (value != null) {
                tagged.putMetadata(key, value);
            }
        }
        Path out = scratch.resolve("fp32-reference.safetensors");
        new SafetensorsWriter().write(DeltaCodecs.forName("fp32").encode(tagged.build()), out);
        long size = Files.size(out);
        Files.delete(out);
        return size;
    }

    /** Returns a per-round seed (the daemons use block hashes, which nobody knows while training). */
    private byte[] seed(String what, long round) {
        return Sha256.of(("tensorswarm swarm bench " + what + " " + settings.initSeed() + " " + round)
                .getBytes(StandardCharsets.UTF_8)).getBytes(StandardCharsets.US_ASCII);
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }
}
