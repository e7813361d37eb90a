package io.tensorswarm.orchestrator.dashboard;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.orchestrator.history.History;
import io.tensorswarm.orchestrator.history.RevisionRecord;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.roster.RosterEntry;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.BaseRevisionException;
import io.tensorswarm.orchestrator.round.RoundStatus;
import io.tensorswarm.orchestrator.round.RoundTracker;
import io.tensorswarm.orchestrator.round.SampledAssignments;
import io.tensorswarm.orchestrator.watch.ChainSnapshot;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Builds the {@link DashboardView} of {@code GET /v1/dashboard} from what the orchestrator holds:
 * the round clock, the {@link History}, the latest {@link ChainSnapshot}, the roster (heartbeat times
 * only) and, when configured, a validator's reports. A source that cannot be read is named in
 * {@link DashboardView#problems()} instead of failing the whole view. Safe for concurrent use.
 */
public final class DashboardEndpoint {
    /** Round snapshots and validator rounds returned. */
    public static final int ROUNDS = 64;
    /** Revisions returned (the most recent). */
    public static final int REVISIONS = 256;

    private final int netuid;
    private final RoundTracker rounds;
    private final History history;
    private final Supplier<Optional<ChainSnapshot>> chain;
    private final Roster roster;
    private final Supplier<AssignmentSource> assignments;
    private final ValidatorReports reports;
    private final Clock clock;

    /**
     * @param chain the latest chain snapshot (e.g. the watcher's), read on every request
     * @param assignments the current assignment source, or a supplier of null when none
     * @param reports a validator's reports, or null
     */
    public DashboardEndpoint(int netuid, RoundTracker rounds, History history, Supplier<Optional<ChainSnapshot>> chain,
            Roster roster, Supplier<AssignmentSource> assignments, ValidatorReports reports, Clock clock) {
        this.netuid = netuid;
        this.rounds = Objects.requireNonNull(rounds, "rounds");
        this.history = Objects.requireNonNull(history, "history");
        this.chain = Objects.requireNonNull(chain, "chain");
        this.roster = Objects.requireNonNull(roster, "roster");
        this.assignments = Objects.requireNonNull(assignments, "assignments");
        this.reports = reports;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Returns the view now. */
    public DashboardView view() {
        List<String> problems = new ArrayList<>();
        RoundStatus round = null;
        try {
            round = rounds.current();
        } catch (BaseRevisionException e) {
            problems.add("base revision: " + e.getMessage());
            try {
                round = rounds.statusAt(chainBlock(), Optional.empty());
            } catch (ChainException c) {
                problems.add("chain: " + c.getMessage());
            }
        } catch (ChainException e) {
            problems.add("chain: " + e.getMessage());
        }
        AssignmentSource source = assignments.get();
        DashboardView.Dataset dataset = source == null ? null : source.dataset()
                .map(DashboardEndpoint::dataset).orElse(null);
        List<RevisionRecord> revs = history.revisions();
        revs = revs.subList(Math.max(0, revs.size() - REVISIONS), revs.size());
        List<DashboardView.Miner> miners = new ArrayList<>();
        Optional<ChainSnapshot> snap;
        try {
            snap = chain.get();
        } catch (ChainException e) {
            problems.add("chain: " + e.getMessage());
            snap = Optional.empty();
        }
        if (snap.isPresent()) {
            Map<String, Long> heartbeats = new HashMap<>();
            for (RosterEntry e : roster.entries()) {
                heartbeats.put(e.hotkey(), e.lastSeenMillis());
            }
            for (Neuron n : snap.get().metagraph().neurons()) {
                ChainSnapshot.Commit c = snap.get().commits().get(n.hotkey());
                miners.add(new DashboardView.Miner(n.uid(), n.hotkey(), n.validatorPermit(), n.stakeRao() / 1e9,
                        n.incentive(), n.dividends(), n.lastUpdate(), c == null ? null : c.round(),
                        c == null ? null : c.block(), heartbeats.get(n.hotkey())));
            }
            miners.sort(Comparator.comparingInt(DashboardView.Miner::uid));
        } else if (problems.isEmpty()) {
            problems.add("chain: no metagraph read yet");
        }
        List<ValidatorReports.Round> validator = reports == null ? List.of() : reports.lastRounds(ROUNDS);
        return new DashboardView(netuid, clock.millis(), round, dataset, revs, history.rounds(ROUNDS), miners,
                validator, problems);
    }

    private long chainBlock() {
        return chain.get().map(ChainSnapshot::block).orElseThrow(() -> new ChainException("no block read yet"));
    }

    private static DashboardView.Dataset dataset(SampledAssignments s) {
        return new DashboardView.Dataset(s.datasetFingerprint(), s.pageCount(), s.pagesPerMiner());
    }
}
