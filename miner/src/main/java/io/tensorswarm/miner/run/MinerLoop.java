package io.tensorswarm.miner.run;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.HeartbeatStats;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.ops.DaemonMetrics;
import io.tensorswarm.common.ops.Operations;
import io.tensorswarm.common.ops.Shutdown;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.RoundClock;
import io.tensorswarm.common.train.TrainingListener.StepMetrics;
import io.tensorswarm.miner.worker.TrainJob;
import io.tensorswarm.miner.worker.WorkerException;
import io.tensorswarm.miner.worker.WorkerProtocol;
import io.tensorswarm.protocol.BaseHistory;
import io.tensorswarm.protocol.BaseModelMismatchException;
import io.tensorswarm.protocol.BaseModelSource;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.StorageException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The miner's round loop. For each round it joins in time: read the round's base from the base
 * history ({@link BaseHistory#forRound}, waiting while there is none), fetch and verify it, train the
 * assigned pages through the {@link TrainingRunner} (which encodes the delta), then publish through
 * {@link DeltaPublication}: sign the manifest and commit before the round's deadline, wait until the
 * chain reaches the deadline (the upload window) and only then upload delta and manifest to the
 * miner's store; then wait for the next round. A round that fails is logged and the loop moves on to
 * the next one.
 *
 * <p><b>Training time.</b> A round trains until its deadline leaves just the time the miner needs
 * after training to encode and commit ({@link TrainingBudget}: the deadline block's start on the wall
 * clock, from the block times this loop observes with {@link BlockTimer}, less a reserve learned from
 * its last rounds and kept in {@link MinerState}), or for {@link MinerSettings#maxSteps()} steps when
 * that comes first. The AdamW state (moments and global step) carries over from round to round in
 * {@code <state.dir>/}{@value MinerSettings#OPTIMIZER_FILE}: the job writes the new state into the
 * round's work folder and the loop renames it into place once the job succeeded.
 *
 * <p><b>Stopping.</b> When the {@link Shutdown} is requested (SIGTERM), a running training worker is
 * killed and the loop returns at its next safe point: while waiting, at once; while training, without
 * committing anything; after the commitment, only once the upload window has opened and the delta
 * and manifest are uploaded (the commitment is public, so the delta must follow). The error-feedback
 * residual and the round journal ({@link MinerState}) only move forward after an upload, the
 * optimizer state after a successful training job, all by atomic renames, so a stop or a crash at
 * any point leaves the last complete state. Unfinished work files of a killed run are removed at start.
 *
 * <p><b>Metrics</b> ({@link DaemonMetrics}): round, train step, train loss, tokens/s, rounds completed
 * (published), errors by kind ({@code worker}, {@code chain}, {@code deadline_missed}, {@code
 * base_rejected}, {@code latest_invalid}, {@code local_io}, {@code round_failed}); bytes and
 * {@code storage_*} errors are counted by the stores (wrap them in a {@code MeteredObjectStore}).
 *
 * <p><b>Heartbeats</b> (with a {@link HeartbeatReporter}): at start, after each round (its outcome,
 * training steps, final loss, tokens/s, delta bytes and codec), and at most once per the reporter's
 * interval while waiting and while training (the step reached). A down orchestrator costs at most
 * the client's timeout per interval; it never fails or stops a round.
 */
public final class MinerLoop {
    private static final Logger log = LoggerFactory.getLogger(MinerLoop.class);

    private final MinerSettings settings;
    private final Chain chain;
    private final String hotkeySs58;
    private final BaseHistory baseHistory;
    private final BaseModelSource baseModels;
    private final DeltaPublication publication;
    private final TrainingRunner runner;
    private final Sleeper sleeper;
    private final RoundClock clock;
    private final DaemonMetrics metrics;
    private final Shutdown shutdown;
    private final MinerState state;
    private final AtomicReference<TrainingWatch> training = new AtomicReference<>();
    private final HeartbeatReporter heartbeats;
    /** Step, loss and tokens/s last reported by training; sent with every heartbeat. */
    private volatile Numbers numbers = Numbers.NONE;
    private volatile WorkerProtocol.Summary lastSummary;
    /** {@link System#nanoTime()} when the last summary arrived: the delta file was written then. */
    private volatile long summaryNanos;
    /** {@link System#currentTimeMillis()} when the last summary arrived, to compare with the job's {@code trainUntil}. */
    private volatile long summaryEpochMillis;
    private final LongSupplier wallMillis;
    private final BlockTimer blocks;
    private long lastDeltaBytes;
    private boolean chainDown;

    /** What heartbeats carry besides the status. */
    private record Numbers(Long step, Double loss, Double tokensPerSecond) {
        static final Numbers NONE = new Numbers(null, null, null);
    }

    /**
     * Creates the loop (tests: {@code sleeper} also waits for the upload window, so it must not
     * return early on a stop).
     *
     * @param baseStore where the base history and the base models live (the averager's store)
     * @param ownStore where this miner publishes (its {@code settings.locator()})
     * @param sleeper every wait of the loop
     * @param ops metrics, health and the stop request
     */
    public MinerLoop(MinerSettings settings, Chain chain, Sr25519KeyPair hotkey, ObjectStore baseStore,
            ObjectStore ownStore, TrainingRunner runner, Sleeper sleeper, Operations ops) {
        this(settings, chain, hotkey, baseStore, ownStore, runner, sleeper, sleeper, ops, HeartbeatReporter.off());
    }

    /**
     * Creates the loop, reporting to the orchestrator through {@code heartbeats} (tests: {@code
     * sleeper} also waits for the upload window).
     */
    public MinerLoop(MinerSettings settings, Chain chain, Sr25519KeyPair hotkey, ObjectStore baseStore,
            ObjectStore ownStore, TrainingRunner runner, Sleeper sleeper, Operations ops, HeartbeatReporter heartbeats) {
        this(settings, chain, hotkey, baseStore, ownStore, runner, sleeper, sleeper, ops, heartbeats);
    }

    /**
     * Creates the loop, reporting to the orchestrator through {@code heartbeats}.
     *
     * @param sleeper every wait of the loop but the upload window's; in the daemon it returns early when
     *     a stop is requested
     * @param windowSleeper the wait for the upload window after a commitment, which a stop does not cut
     *     short (the commitment is public, so the delta must follow)
     * @param heartbeats where heartbeats go ({@link HeartbeatReporter#off()} for none); not closed by the loop
     */
    public MinerLoop(MinerSettings settings, Chain chain, Sr25519KeyPair hotkey, ObjectStore baseStore,
            ObjectStore ownStore, TrainingRunner runner, Sleeper sleeper, Sleeper windowSleeper, Operations ops,
            HeartbeatReporter heartbeats) {
        this(settings, chain, hotkey, baseStore, ownStore, runner, sleeper, windowSleeper, ops, heartbeats,
                System::currentTimeMillis);
    }

    /**
     * Creates the loop, reading the wall clock that the chain's blocks are timed against from {@code
     * wallMillis} (tests: the clock of a chain whose time they move).
     */
    public MinerLoop(MinerSettings settings, Chain chain, Sr25519KeyPair hotkey, ObjectStore baseStore,
            ObjectStore ownStore, TrainingRunner runner, Sleeper sleeper, Sleeper windowSleeper, Operations ops,
            HeartbeatReporter heartbeats, LongSupplier wallMillis) {
        this.wallMillis = wallMillis;
        this.blocks = new BlockTimer(settings.blockTime());
        this.heartbeats = heartbeats;
        this.settings = settings;
        this.chain = chain;
        this.hotkeySs58 = hotkey.ss58Address();
        this.baseHistory = new BaseHistory(baseStore);
        this.baseModels = new BaseModelSource(baseStore, settings.modelCacheDir(), settings.maxModelBytes());
        this.publication = DeltaPublication.builder().setChain(chain).setHotkey(hotkey).setNetuid(settings.netuid())
                .setLocator(settings.locator()).setClock(settings.clock()).setStore(ownStore).optSleeper(windowSleeper)
                .optPollInterval(settings.pollInterval()).build();
        this.runner = runner;
        this.sleeper = sleeper;
        this.clock = settings.clock();
        this.metrics = ops.metrics();
        this.shutdown = ops.shutdown();
        this.state = new MinerState(settings.stateDir());
    }

    /**
     * Handles rounds until {@link MinerSettings#maxRounds()} have ended (forever when 0) or a stop is
     * requested, and returns what happened in each.
     *
     * @throws InterruptedException when the thread is interrupted while waiting
     */
    public List<RoundResult> run() throws InterruptedException {
        shutdown.onRequest(this::stopTraining);
        removeUnfinishedWork();
        metrics.health().running();
        List<RoundResult> results = new ArrayList<>();
        OptionalLong published = state.lastPublishedRound();
        long lastRound = published.orElse(-1);
        if (published.isPresent()) {
            metrics.health().detail("last_published_round", lastRound);
            log.info("last published round: {} (from {})", lastRound, state.file());
        }
        heartbeats.send(heartbeat(published.isPresent() ? "started; last published round " + lastRound : "started"));
        String lastRoundStatus = published.isPresent() ? "r=" + lastRound + " published before a restart" : "no round yet";
        long waitingLoggedFor = -1;
        while (!shutdown.requested() && (settings.maxRounds() == 0 || results.size() < settings.maxRounds())) {
            OptionalLong block = currentBlock();
            if (block.isEmpty()) {
                waitingHeartbeat("waiting for the chain; " + lastRoundStatus);
                sleeper.sleep(settings.pollInterval().toMillis());
                continue;
            }
            long round = clock.roundOf(block.getAsLong());
            if (round == lastRound) {
                waitForBlock(clock.startBlock(round + 1), lastRoundStatus + "; waiting for round " + (round + 1));
                continue;
            }
            if (!clock.isInSubmissionWindow(round, block.getAsLong())) {
                log.info("r={} too late to take part: block {} is not before the deadline {}; skipping the round",
                        round, block.getAsLong(), clock.deadlineBlock(round));
                results.add(new RoundResult(round, RoundResult.Outcome.TOO_LATE));
                lastRound = round;
                lastRoundStatus = "r=" + round + " joined after the deadline";
                continue;
            }
            Optional<LatestPointer> base = readBase(round);
            if (base.isEmpty()) {
                if (waitingLoggedFor != round) {
                    log.info("r={} no base model for this round yet (none in the base history); waiting", round);
                    waitingLoggedFor = round;
                }
                waitingHeartbeat("r=" + round + " waiting for a base model");
                sleeper.sleep(settings.pollInterval().toMillis());
                continue;
            }
            RoundResult.Outcome outcome = runRound(round, base.get().revision());
            results.add(new RoundResult(round, outcome));
            lastRound = round;
            if (outcome == RoundResult.Outcome.STOPPED) {
                break;
            }
            lastRoundStatus = roundStatus(round, outcome);
            heartbeats.send(heartbeat(lastRoundStatus));
        }
        if (shutdown.requested()) {
            log.info("stopped after {} round(s); state in {} is complete", results.size(), settings.stateDir());
        }
        return results;
    }

    /** The heartbeat of a finished round: its outcome, and for a published one the training and the delta. */
    private String roundStatus(long round, RoundResult.Outcome outcome) {
        String prefix = "r=" + round + " ";
        WorkerProtocol.Summary s = lastSummary;
        String trained = s == null ? "" : String.format(Locale.ROOT, "%d steps in %.1f s, loss %.4f -> %.4f, %d tokens/s",
                s.steps(), s.seconds(), s.firstLoss(), s.finalLoss(), Math.round(s.tokensPerSecond()));
        return switch (outcome) {
            case PUBLISHED -> prefix + "published: " + trained + "; delta " + lastDeltaBytes + " bytes (" + settings.codec()
                    + ")";
            case TOO_LATE -> prefix + "missed the deadline" + (trained.isEmpty() ? "" : " after " + trained);
            case BASE_REJECTED -> prefix + "refused the base model (hash mismatch)";
            case FAILED -> prefix + "failed" + (trained.isEmpty() ? "" : " after " + trained) + "; see the miner's log";
            case STOPPED -> prefix + "stopped";
        };
    }

    private HeartbeatStats heartbeat(String status) {
        Numbers n = numbers;
        return HeartbeatStats.of("miner", status).withNumbers(n.step(), n.loss(), n.tokensPerSecond());
    }

    /** While waiting: a heartbeat once per the reporter's interval. */
    private void waitingHeartbeat(String status) {
        heartbeats.sendIfDue(() -> heartbeat(status));
    }

    /** The base of {@code round} from the base history, or empty when there is none (yet) or it cannot be read. */
    private Optional<LatestPointer> readBase(long round) {
        try {
            return baseHistory.forRound(round);
        } catch (StorageException e) {
            log.warn("r={} cannot read the base history from the base store: {}", round, e.getMessage());
            return Optional.empty();
        } catch (TensorswarmException e) {
            metrics.error("latest_invalid");
            log.warn("r={} cannot read the base history from the base store: {}", round, e.getMessage());
            return Optional.empty();
        }
    }

    private RoundResult.Outcome runRound(long round, String revision) {
        String prefix = "r=" + round;
        metrics.round(round);
        metrics.health().detail("base_revision", revision);
        lastSummary = null;
        lastDeltaBytes = 0;
        Path baseDir;
        try {
            baseDir = baseModels.fetch(revision).dir();
            baseModels.removeOtherRevisions(revision);
        } catch (BaseModelMismatchException e) {
            metrics.error("base_rejected");
            log.warn("{} {}", prefix, e.getMessage());
            return RoundResult.Outcome.BASE_REJECTED;
        } catch (TensorswarmException | UncheckedIOException e) {
            countError(e);
            log.warn("{} cannot fetch base model {}: {}", prefix, shortHash(revision), e.getMessage());
            return RoundResult.Outcome.FAILED;
        }
        Path work = settings.workDir(round);
        try {
            Files.createDirectories(work);
            currentBlock(); // a fresh sighting for the estimate
            TrainingBudget.Plan plan = TrainingBudget.plan(clock, blocks, round, wallMillis.getAsLong(),
                    state.recentFinishSeconds());
            TrainJob job = job(round, revision, baseDir, work,
                    Instant.ofEpochMilli(System.currentTimeMillis() + plan.trainMillis()));
            String steps = settings.maxSteps() > 0 ? "at most " + settings.maxSteps() + " steps, " : "";
            String pages = settings.maxPages() > settings.pages()
                    ? settings.pages() + " pages, then up to " + (settings.maxPages() - settings.pages()) + " fresh ones,"
                    : settings.pages() + " pages";
            log.info("{} training base {} on {} for {}up to {} s (the deadline in {} s, {} s kept to encode and "
                    + "commit; blocks of {} s)", prefix, shortHash(revision), pages, steps,
                    seconds(plan.trainMillis()), seconds(plan.untilDeadlineMillis()), seconds(plan.reserveMillis()),
                    seconds(plan.blockMillis()));
            if (plan.trainMillis() <= 0) {
                log.warn("{} no time left to train before the deadline; the worker takes one step and the round will "
                        + "likely be missed", prefix);
            }
            waitingHeartbeat(prefix + " training base " + shortHash(revision) + " for " + steps + "up to "
                    + seconds(plan.trainMillis()) + " s");
            TrainingWatch watch = new TrainingWatch(round, () -> pastDeadline(round), shutdown::requested,
                    new Progress(prefix));
            TrainingOutcome trained;
            training.set(watch);
            try {
                trained = runner.train(job, watch);
            } finally {
                training.set(null);
            }
            switch (trained) {
                case STOPPED -> {
                    log.info("{} stop requested during training; abandoning the round (nothing committed)", prefix);
                    return RoundResult.Outcome.STOPPED;
                }
                case DEADLINE -> {
                    metrics.error("deadline_missed");
                    log.warn("{} training did not finish before the deadline block {}; skipping the round", prefix,
                            clock.deadlineBlock(round));
                    // Training overran its time (or started too late): nothing to learn about the finish.
                    return RoundResult.Outcome.TOO_LATE;
                }
                case FAILED -> {
                    metrics.error("worker");
                    return RoundResult.Outcome.FAILED;
                }
                case DONE -> {
                    installOptimizerState(job);
                    return publish(round, revision, job, plan);
                }
                default -> throw new IllegalStateException("unknown training outcome " + trained);
            }
        } catch (IOException | UncheckedIOException | TensorswarmException | ChainException e) {
            countError(e);
            log.warn("{} round failed: {}", prefix, e.getMessage());
            return RoundResult.Outcome.FAILED;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("{} interrupted; abandoning the round", prefix);
            return RoundResult.Outcome.STOPPED;
        } finally {
            deleteQuietly(work);
        }
    }

    private RoundResult.Outcome publish(long round, String revision, TrainJob job, TrainingBudget.Plan plan)
            throws IOException, InterruptedException {
        String prefix = "r=" + round;
        if (shutdown.requested()) {
            log.info("{} stop requested; not committing the trained delta (the round is abandoned)", prefix);
            return RoundResult.Outcome.STOPPED;
        }
        DeltaPublication.Committed committed;
        try {
            committed = publication.commit(round, revision, job.out());
        } catch (DeadlinePassedException e) {
            metrics.error("deadline_missed");
            log.warn("{} {}; skipping the round", prefix, e.getMessage());
            if (lastSummary != null) {
                learnFinish(prefix, TrainingBudget.afterMiss(plan, finishSeconds(), trainingKeptItsTime(job),
                        (clock.roundBlocks() - clock.deadlineMarginBlocks()) * plan.blockMillis()));
            }
            return RoundResult.Outcome.TOO_LATE;
        }
        if (lastSummary != null) {
            learnFinish(prefix, finishSeconds());
        }
        // The commitment is public now: the delta follows it, in the upload window, even when a stop
        // was requested meanwhile.
        String waiting = prefix + " committed delta " + DeltaPublication.shortHash(committed.deltaSha256())
                + "; uploading at block " + clock.uploadOpenBlock(round);
        try {
            publication.upload(committed, () -> waitingHeartbeat(waiting));
        } catch (StorageException e) {
            log.warn("{} committed, but the upload to {} failed: {}; validators will find no delta this round", prefix,
                    settings.locator(), e.getMessage());
            return RoundResult.Outcome.FAILED;
        }
        if (job.usesErrorFeedback()) {
            MinerState.moveAtomically(job.residualOut(), job.residualIn());
        }
        state.recordPublished(round, committed.deltaSha256(), revision);
        lastDeltaBytes = committed.deltaBytes();
        metrics.roundCompleted();
        metrics.health().detail("last_published_round", round);
        return RoundResult.Outcome.PUBLISHED;
    }

    private TrainJob job(long round, String revision, Path baseDir, Path work, Instant trainUntil) {
        Path residual = settings.usesErrorFeedback() ? settings.stateDir().resolve(MinerSettings.RESIDUAL_FILE) : null;
        return new TrainJob(baseDir, revision, settings.data(), settings.textField(), settings.tokenCache(),
                settings.device(), round, hotkeySs58, settings.pages(), settings.maxPages(), settings.maxSteps(),
                trainUntil,
                settings.batchSize(), settings.gradAccum(), settings.precision(), settings.learningRate(),
                settings.warmupSteps(), settings.decaySteps(), settings.codec(),
                residual, residual == null ? null : work.resolve("residual.safetensors"),
                settings.stateDir().resolve(MinerSettings.OPTIMIZER_FILE), work.resolve(MinerSettings.OPTIMIZER_FILE),
                work.resolve("delta.safetensors"));
    }

    /** Moves the AdamW state the successful job wrote into the state directory, for the next round. */
    private static void installOptimizerState(TrainJob job) throws IOException {
        if (job.keepsOptimizerState() && Files.isRegularFile(job.optimizerOut())) {
            MinerState.moveAtomically(job.optimizerOut(), job.optimizerIn());
        }
    }

    /**
     * Returns the seconds from the end of the training loop to now: the worker's part (delta, encoding,
     * files) plus the loop's since the summary arrived (worker exit, hashing, commitment); 0 without a summary.
     */
    private double finishSeconds() {
        WorkerProtocol.Summary s = lastSummary;
        return s == null ? 0 : s.finishSeconds() + (System.nanoTime() - summaryNanos) / 1e9;
    }

    /** Returns whether the last training ended by its job's {@code trainUntil} (a quarter second of slack). */
    private boolean trainingKeptItsTime(TrainJob job) {
        WorkerProtocol.Summary s = lastSummary;
        long trainingEnd = summaryEpochMillis - Math.round(s.finishSeconds() * 1000);
        return job.trainUntil() != null && trainingEnd <= job.trainUntil().toEpochMilli() + 250;
    }

    /** Remembers a round's finish time in the journal (a failure to write it costs the round nothing). */
    private void learnFinish(String prefix, double seconds) {
        try {
            state.recordFinish(seconds);
            log.debug("{} {} s from the end of training to the commitment", prefix, String.format(Locale.ROOT, "%.2f",
                    seconds));
        } catch (IOException | IllegalArgumentException e) {
            log.warn("{} cannot record the round's finish time in {}: {}", prefix, state.file(), e.getMessage());
        }
    }

    private static String seconds(long millis) {
        return String.format(Locale.ROOT, "%.1f", millis / 1000.0);
    }

    /** Reports training progress as metrics; the summary also as one log line. */
    private final class Progress implements WorkerProtocol.Sink {
        private final String prefix;

        Progress(String prefix) {
            this.prefix = prefix;
        }

        @Override
        public void step(StepMetrics m) {
            metrics.step(m.step());
            metrics.loss("train", m.loss());
            metrics.tokensPerSecond(m.tokensPerSecond());
            numbers = new Numbers((long) m.step(), (double) m.loss(), m.tokensPerSecond());
            // On the worker's report reader (or, in process, the training) thread; at most one per interval.
            waitingHeartbeat(prefix + " training step " + m.step() + (m.totalSteps() > 0 ? "/" + m.totalSteps() : ""));
            log.debug("{} step {}/{} loss {} ({} tokens/s)", prefix, m.step(), m.totalSteps(), m.loss(),
                    Math.round(m.tokensPerSecond()));
        }

        @Override
        public void finished(WorkerProtocol.Summary s) {
            metrics.loss("train", s.finalLoss());
            metrics.tokensPerSecond(s.tokensPerSecond());
            numbers = new Numbers((long) s.steps(), s.finalLoss(), s.tokensPerSecond());
            summaryNanos = System.nanoTime();
            summaryEpochMillis = System.currentTimeMillis();
            lastSummary = s;
            log.info("{} trained {} steps in {} s: loss {} -> {}, {} tokens/s; global step {}", prefix, s.steps(),
                    String.format(Locale.ROOT, "%.1f", s.seconds()), String.format(Locale.ROOT, "%.4f", s.firstLoss()),
                    String.format(Locale.ROOT, "%.4f", s.finalLoss()), Math.round(s.tokensPerSecond()), s.globalStep());
        }
    }

    /** Kills the running training worker, if any (called on the shutdown thread). */
    private void stopTraining() {
        TrainingWatch watch = training.get();
        if (watch != null) {
            watch.stop();
        }
    }

    private void countError(Exception e) {
        if (e instanceof StorageException) {
            return; // counted as storage_<kind> by the metered store
        }
        if (e instanceof ChainException) {
            metrics.error("chain");
        } else if (e instanceof WorkerException) {
            metrics.error("worker");
        } else if (e instanceof IOException || e instanceof UncheckedIOException) {
            metrics.error("local_io");
        } else {
            metrics.error("round_failed");
        }
    }

    /** The current block, or empty when the chain cannot be reached (counted, logged once per outage). */
    private OptionalLong currentBlock() {
        try {
            long block = chain.currentBlock();
            blocks.observe(block, wallMillis.getAsLong());
            if (chainDown) {
                chainDown = false;
                log.info("the chain answers again (block {})", block);
            }
            return OptionalLong.of(block);
        } catch (ChainException e) {
            metrics.error("chain");
            if (!chainDown) {
                chainDown = true;
                log.warn("cannot read the current block: {}; retrying every {}", e.getMessage(), settings.pollInterval());
            }
            return OptionalLong.empty();
        }
    }

    private boolean pastDeadline(long round) {
        OptionalLong block = currentBlock();
        return block.isPresent() && !clock.isBeforeDeadline(round, block.getAsLong());
    }

    private void waitForBlock(long target, String status) throws InterruptedException {
        while (!shutdown.requested()) {
            OptionalLong block = currentBlock();
            if (block.isPresent() && block.getAsLong() >= target) {
                return;
            }
            waitingHeartbeat(status);
            sleeper.sleep(settings.pollInterval().toMillis());
        }
    }

    private void removeUnfinishedWork() {
        Path work = settings.stateDir().resolve("work");
        if (!Files.isDirectory(work)) {
            return;
        }
        try (Stream<Path> entries = Files.list(work)) {
            List<Path> left = entries.toList();
            if (!left.isEmpty()) {
                log.info("removing unfinished work of an earlier run: {}", left);
                left.forEach(MinerLoop::deleteQuietly);
            }
        } catch (IOException e) {
            log.warn("cannot clean {}: {}", work, e.toString());
        }
    }

    private static String shortHash(String hex) {
        return hex.length() > 12 ? hex.substring(0, 12) : hex;
    }

    private static void deleteQuietly(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException | UncheckedIOException e) {
            log.debug("cannot clean {}: {}", root, e.toString());
        }
    }
}
