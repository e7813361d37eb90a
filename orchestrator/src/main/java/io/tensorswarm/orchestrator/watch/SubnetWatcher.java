package io.tensorswarm.orchestrator.watch;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.history.HistoryException;
import io.tensorswarm.orchestrator.history.RevisionRecord;
import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.round.BaseRevisionException;
import io.tensorswarm.orchestrator.round.DatasetAssignments;
import io.tensorswarm.orchestrator.round.RoundStatus;
import io.tensorswarm.orchestrator.round.RoundTracker;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The orchestrator's loop body, called about once a second by {@code orchestrator run}: reads the
 * round clock and the {@code latest} pointer, records new base revisions in the {@link History},
 * derives the dataset's page assignments from the base model (when {@code --data} is given),
 * measures each new revision's loss (when enabled), and records a per-round chain snapshot
 * (incentive, commitments). Every failure is logged, counted by kind in the metrics and retried
 * later; none ends the loop. Not thread-safe: one thread calls {@link #tick()}; {@link
 * #snapshot()} may be read from any thread.
 *
 * <pre>{@code
 * SubnetWatcher watcher = SubnetWatcher.builder().setChain(chain).setNetuid(1).setRounds(rounds)
 *         .setHistory(history).setMetrics(metrics).optBaseModels(models).optDataset(pages, assignments)
 *         .optLossProbe(new BaseLossProbe(8, Device.cpu())).build();
 * while (!shutdown.sleep(Duration.ofSeconds(1))) {
 *     watcher.tick();
 * }
 * }</pre>
 */
public final class SubnetWatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SubnetWatcher.class);
    /** First wait before retrying a revision whose preparation failed; doubles up to {@link #MAX_RETRY}. */
    static final Duration FIRST_RETRY = Duration.ofSeconds(15);
    static final Duration MAX_RETRY = Duration.ofMinutes(10);

    private final Chain chain;
    private final int netuid;
    private final RoundTracker rounds;
    private final History history;
    private final OrchestratorMetrics metrics;
    private final Roster roster;
    private final BaseModels models;
    private final DatasetPages dataset;
    private final DatasetAssignments assignments;
    private final BaseLossProbe probe;
    private final Clock clock;

    private volatile ChainSnapshot snapshot;
    private long lastBlock = -1;
    private long lastRound = -1;
    private String preparedRevision;
    private String failedRevision;
    private long retryAtMillis;
    private Duration retryDelay = FIRST_RETRY;
    private final Map<String, String> lastWarning = new HashMap<>();

    private SubnetWatcher(Builder b) {
        this.chain = b.chain;
        this.netuid = b.netuid;
        this.rounds = b.rounds;
        this.history = b.history;
        this.metrics = b.metrics;
        this.roster = b.roster;
        this.models = b.models;
        this.dataset = b.dataset;
        this.assignments = b.assignments;
        this.probe = b.probe;
        this.clock = b.clock;
    }

    /** Returns a builder; the chain, netuid, round tracker, history and metrics are required. */
    public static Builder builder() {
        return new Builder();
    }

    /** Returns the chain as last read by {@link #tick()}, or empty before the first successful read. */
    public Optional<ChainSnapshot> snapshot() {
        return Optional.ofNullable(snapshot);
    }

    /** Runs one pass: round clock, base revision, dataset and loss, chain snapshot. Never throws. */
    public void tick() {
        long block;
        try {
            block = chain.currentBlock();
        } catch (ChainException e) {
            failed("chain", "Cannot read the chain: " + e.getMessage());
            return;
        }
        Optional<LatestPointer> latest;
        try {
            latest = rounds.latest();
            cleared("base_revision");
        } catch (BaseRevisionException e) {
            failed("base_revision", "Cannot read the base revision: " + e.getMessage());
            latest = Optional.empty();
        }
        RoundStatus status = rounds.statusAt(block, latest);
        rounds.observe(status);
        if (status.round() != lastRound) {
            if (lastRound >= 0 && status.round() > lastRound) {
                metrics.daemon().roundCompleted();
            }
            lastRound = status.round();
            metrics.daemon().round(status.round());
        }
        if (block != lastBlock) {
            metrics.daemon().progress();
        }
        if (roster != null) {
            metrics.rosterSize(roster.size());
        }
        latest.ifPresent(p -> revision(p, block));
        if (block != lastBlock) {
            readChain(status);
        }
        lastBlock = block;
    }

    private void revision(LatestPointer pointer, long block) {
        try {
            if (history.observeRevision(pointer.revision(), pointer.round(), block)) {
                log.info("Base revision {}… (trained on from round {}) seen at block {}",
                        pointer.revision().substring(0, 12), pointer.round(), block);
            }
        } catch (HistoryException e) {
            failed("history", e.getMessage());
        }
        if (dataset == null || pointer.revision().equals(preparedRevision)) {
            return;
        }
        if (pointer.revision().equals(failedRevision) && clock.millis() < retryAtMillis) {
            return;
        }
        prepare(pointer.revision());
    }

    /** Derives the dataset's assignments from the revision and measures its loss; on failure retries later. */
    private void prepare(String revision) {
        String step = "storage";
        boolean measuring = false;
        try {
            Path dir = models.config(revision);
            step = "dataset";
            TokenPages pages = dataset.forModel(dir);
            if (assignments.use(pages.fingerprint(), pages.pageCount())) {
                log.info("Assignments from {}: dataset {}…, {} pages of {} tokens, {} per miner", dataset.data(),
                        pages.fingerprint().substring(0, 12), pages.pageCount(), pages.pageLength(),
                        assignments.pagesPerMiner());
            }
            Optional<RevisionRecord> record = history.revision(revision);
            if (probe != null && record.isPresent() && record.get().loss() == null) {
                measuring = true;
                step = "storage";
                Path model = models.model(revision);
                step = "base_eval";
                long start = System.nanoTime();
                Evaluator.Result r = probe.measure(model, pages);
                step = "history";
                history.recordLoss(revision, r.meanLoss(), r.tokens(), probe.pages());
                metrics.daemon().loss("base", r.meanLoss());
                log.info("Base revision {}… loss {} on {} pages ({} tokens, {} ms)", revision.substring(0, 12),
                        String.format(Locale.ROOT, "%.4f", r.meanLoss()), probe.pages(), r.tokens(),
                        (System.nanoTime() - start) / 1_000_000);
            } else {
                record.map(RevisionRecord::loss).ifPresent(loss -> metrics.daemon().loss("base", loss));
            }
            models.retainOnly(Set.of(revision));
            preparedRevision = revision;
            failedRevision = null;
            retryDelay = FIRST_RETRY;
        } catch (RuntimeException e) {
            metrics.error(step);
            log.warn("Base revision {}…: {} failed: {}; retrying in {} s", revision.substring(0, 12), step,
                    e.getMessage(), retryDelay.toSeconds());
            log.debug("{} failure", step, e);
            String reason = step + ": " + e.getMessage();
            if (measuring) {
                safely(() -> history.recordLossError(revision, reason));
            }
            if (assignments.dataset().isEmpty()) {
                assignments.unavailable("cannot derive the dataset from base revision " + revision + ": " + reason);
            }
            failedRevision = revision;
            retryAtMillis = clock.millis() + retryDelay.toMillis();
            Duration doubled = retryDelay.multipliedBy(2);
            retryDelay = doubled.compareTo(MAX_RETRY) > 0 ? MAX_RETRY : doubled;
        }
    }

    private void readChain(RoundStatus status) {
        ChainSnapshot s;
        try {
            s = ChainSnapshot.read(chain, netuid);
            cleared("chain");
        } catch (ChainException e) {
            failed("chain", "Cannot read the metagraph: " + e.getMessage());
            return;
        }
        snapshot = s;
        Map<String, Double> incentive = new HashMap<>();
        long validators = 0;
        for (Neuron n : s.metagraph().neurons()) {
            incentive.put(n.hotkey(), n.incentive());
            if (n.validatorPermit()) {
                validators++;
            }
        }
        List<String> committed = new ArrayList<>();
        s.commits().forEach((hotkey, c) -> {
            if (c.round() != null && c.round() == status.round() && c.block() < status.deadlineBlock()) {
                committed.add(hotkey);
            }
        });
        metrics.registered(s.metagraph().neurons().size() - validators, validators);
        metrics.committed(committed.size());
        try {
            history.recordRound(status.round(), s.block(), incentive, committed);
        } catch (HistoryException e) {
            failed("history", e.getMessage());
        }
    }

    private void failed(String kind, String message) {
        metrics.error(kind);
        if (!message.equals(lastWarning.put(kind, message))) {
            log.warn(message);
        } else {
            log.debug(message);
        }
    }

    private void cleared(String kind) {
        if (lastWarning.remove(kind) != null) {
            log.info("{} readable again", kind.replace('_', ' '));
        }
    }

    private static void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            log.debug("ignored: {}", e.toString());
        }
    }

    /** Closes the dataset's pages. */
    @Override
    public void close() {
        if (dataset != null) {
            dataset.close();
        }
    }

    /** Configures a {@link SubnetWatcher}. */
    public static final class Builder {
        private Chain chain;
        private Integer netuid;
        private RoundTracker rounds;
        private History history;
        private OrchestratorMetrics metrics;
        private Roster roster;
        private BaseModels models;
        private DatasetPages dataset;
        private DatasetAssignments assignments;
        private BaseLossProbe probe;
        private Clock clock = Clock.systemUTC();

        private Builder() {}

        /** Sets the chain (required). */
        public Builder setChain(Chain chain) {
            this.chain = chain;
            return this;
        }

        /** Sets the subnet (required). */
        public Builder setNetuid(int netuid) {
            this.netuid = netuid;
            return this;
        }

        /** Sets the round tracker, which also reads the {@code latest} pointer (required). */
        public Builder setRounds(RoundTracker rounds) {
            this.rounds = rounds;
            return this;
        }

        /** Sets where revisions and round snapshots are recorded (required). */
        public Builder setHistory(History history) {
            this.history = history;
            return this;
        }

        /** Sets the metrics (required). */
        public Builder setMetrics(OrchestratorMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /** Sets the roster whose size is reported (optional). */
        public Builder optRoster(Roster roster) {
            this.roster = roster;
            return this;
        }

        /** Sets where base revisions are downloaded from (needed with the dataset). */
        public Builder optBaseModels(BaseModels models) {
            this.models = models;
            return this;
        }

        /** Sets the dataset whose fingerprint and page count feed {@code assignments}. */
        public Builder optDataset(DatasetPages dataset, DatasetAssignments assignments) {
            this.dataset = Objects.requireNonNull(dataset, "dataset");
            this.assignments = Objects.requireNonNull(assignments, "assignments");
            return this;
        }

        /** Sets how each new revision's loss is measured (needs the dataset); default: not measured. */
        public Builder optLossProbe(BaseLossProbe probe) {
            this.probe = probe;
            return this;
        }

        /** Sets the clock for history times and retry delays (default: the system clock). */
        public Builder optClock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** Returns the watcher. */
        public SubnetWatcher build() {
            if (chain == null || netuid == null || rounds == null || history == null || metrics == null) {
                throw new IllegalArgumentException("You must specify the chain, netuid, rounds, history and metrics");
            }
            if (probe != null && dataset == null) {
                throw new IllegalArgumentException("a loss probe needs the dataset");
            }
            if (dataset != null && models == null) {
                throw new IllegalArgumentException("the dataset needs the base models (--base.location)");
            }
            return new SubnetWatcher(this);
        }
    }
}
