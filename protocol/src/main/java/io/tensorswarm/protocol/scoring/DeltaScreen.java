package io.tensorswarm.protocol.scoring;

import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.DeltaMismatchException;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.scoring.Rejection.Reason;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Screens a round's decoded deltas against the base model with design §3 steps 3-4, in order,
 * the first failure winning: layout (names and shapes exactly the base's, floating-point), every
 * value finite, L2 norm within the cohort bound (see {@link ScreenConfig}), and not a copy of a
 * delta committed earlier (by commitment block, ties by hotkey).
 *
 * <p>Screening runs in two phases so that full deltas need not stay in memory. {@link #add} checks
 * layout and finiteness at once and keeps only the norm and a {@link DeltaSketch} ({@code
 * sketchDimension} doubles) per miner. {@link #finish} then computes the cohort median, applies the
 * norm bound, and looks for copies: a pair whose sketch cosine reaches {@code candidateThreshold} is
 * confirmed with the exact cosine of the full deltas, which the caller's {@link DeltaLoader}
 * fetches again (from disk, or from a map for small models). A delta is compared with every earlier
 * delta that passed layout and finiteness, including earlier copies. Trade-off: a copy whose sketch
 * cosine falls below the candidate threshold while its exact cosine is above the copy threshold is
 * missed; with the defaults (0.8 vs 0.95, 1024 buckets) that takes a delta concentrated in a few
 * dozen elements.
 *
 * <p>Earlier rounds ({@link #DeltaScreen(ParameterSet, ScreenConfig, List)}): every delta still accepted
 * after the copy check is compared with the sketches of the deltas of the rounds before
 * ({@link SketchHistory}). It is a {@link Reason#REPLAY} when its sketch cosine to any of them reaches
 * {@link #REPLAY_COSINE} (a re-labelled, possibly scaled, earlier delta), or when less than {@link
 * #MIN_NOVELTY} of its squared norm lies outside their span (a mix of earlier deltas, or one with a
 * little noise or a few steps of training added). Deltas of the same round are not part of that span:
 * they are committed blind (no delta of a round is readable before its commitments close), so honest
 * deltas of one round may be as aligned as they like. Not thread-safe; one instance per round.
 *
 * <pre>{@code
 * DeltaScreen screen = new DeltaScreen(base, ScreenConfig.defaults());
 * for (Announcement a : announcements) {
 *     screen.add(a.hotkey(), a.block(), decode(a));
 * }
 * ScreenReport report = screen.finish(hotkey -> decode(find(hotkey)));
 * }</pre>
 */
public final class DeltaScreen {
    private static final Logger log = LoggerFactory.getLogger(DeltaScreen.class);
    /**
     * The least fraction of a delta's squared norm (in sketch space) that must lie outside the span of
     * the earlier rounds' deltas. A protocol constant, so validators and the averager agree; see
     * docs/scoring.md for the measured honest and adversary values it separates.
     */
    public static final double MIN_NOVELTY = 0.25;
    /** Sketch cosine to a single earlier-round delta from which a delta is a replay. */
    public static final double REPLAY_COSINE = 0.99;

    /** Returns a delta submitted earlier to {@link #add}, again; for the exact copy check. */
    @FunctionalInterface
    public interface DeltaLoader {
        ParameterSet load(String hotkey);
    }

    private static final class Profile {
        final String hotkey;
        final long commitBlock;
        final double norm;
        final DeltaSketch sketch;
        Rejection rejection;
        double novelty = Double.NaN;

        Profile(String hotkey, long commitBlock, double norm, DeltaSketch sketch, Rejection rejection) {
            this.hotkey = hotkey;
            this.commitBlock = commitBlock;
            this.norm = norm;
            this.sketch = sketch;
            this.rejection = rejection;
        }
    }

    private static final Comparator<Profile> COMMIT_ORDER =
            Comparator.comparingLong((Profile p) -> p.commitBlock).thenComparing(p -> p.hotkey);

    private final ParameterSet base;
    private final ScreenConfig config;
    private final double baseNorm;
    private final List<Profile> profiles = new ArrayList<>();
    private final List<SketchHistory.Entry> earlier;
    private final Set<String> hotkeys = new HashSet<>();
    private boolean finished;

    /**
     * Creates a screen for deltas against {@code base}.
     *
     * @throws DeltaMismatchException when a base tensor is not floating-point
     */
    public DeltaScreen(ParameterSet base, ScreenConfig config) {
        this(base, config, List.of());
    }

    /**
     * Creates a screen that also rejects replays of {@code earlier} rounds' deltas (see the class doc).
     *
     * @throws DeltaMismatchException when a base tensor is not floating-point
     */
    public DeltaScreen(ParameterSet base, ScreenConfig config, List<SketchHistory.Entry> earlier) {
        this.base = Objects.requireNonNull(base, "base");
        this.config = Objects.requireNonNull(config, "config");
        this.earlier = List.copyOf(earlier);
        this.baseNorm = Deltas.l2Norm(base);
    }

    /**
     * Returns the sketch of every delta that passed the layout and finiteness checks, by hotkey: what
     * the caller adds to its {@link SketchHistory} for later rounds (rejected ones included, so a
     * replay of a norm-rejected delta is caught too).
     */
    public java.util.Map<String, DeltaSketch> sketches() {
        java.util.Map<String, DeltaSketch> out = new java.util.LinkedHashMap<>();
        for (Profile p : profiles) {
            if (p.sketch != null) {
                out.put(p.hotkey, p.sketch);
            }
        }
        return out;
    }

    /** Returns the L2 norm of the base weights, the unit of the norm floor and ceiling. */
    public double baseNorm() {
        return baseNorm;
    }

    /**
     * Checks a delta's layout and finiteness, and records its norm and sketch for {@link #finish}.
     *
     * @return the rejection when one of these checks failed, else empty (the later checks may still
     *     reject it)
     * @throws IllegalArgumentException when the hotkey was already added
     * @throws IllegalStateException after {@link #finish}
     */
    public Optional<Rejection> add(String hotkey, long commitBlock, ParameterSet delta) {
        if (finished) {
            throw new IllegalStateException("screen already finished");
        }
        if (!hotkeys.add(Objects.requireNonNull(hotkey, "hotkey"))) {
            throw new IllegalArgumentException("hotkey " + hotkey + " added twice");
        }
        try {
            Deltas.requireSameLayout(base, delta, "delta", false);
        } catch (DeltaMismatchException e) {
            return record(new Profile(hotkey, commitBlock, Double.NaN, null,
                    new Rejection(Reason.LAYOUT, e.getMessage())));
        }
        DeltaSketch sketch = new DeltaSketch(config.sketchDimension(), config.sketchSeed());
        double sumOfSquares = 0;
        long offset = 0;
        for (NamedTensor b : base) {
            float[] values = delta.require(b.name()).toFloats();
            int bad = DeltaMath.indexOfFirstNonFinite(values);
            if (bad >= 0) {
                return record(new Profile(hotkey, commitBlock, Double.NaN, null, new Rejection(Reason.NON_FINITE,
                        "tensor " + b.name() + " element " + bad + " is " + values[bad])));
            }
            sumOfSquares += DeltaMath.sumOfSquares(values);
            sketch.add(offset, values);
            offset += values.length;
        }
        return record(new Profile(hotkey, commitBlock, Math.sqrt(sumOfSquares), sketch, null));
    }

    private Optional<Rejection> record(Profile p) {
        profiles.add(p);
        if (p.rejection != null) {
            log.info("delta of {} rejected: {}", p.hotkey, p.rejection);
        }
        return Optional.ofNullable(p.rejection);
    }

    /**
     * Applies the norm bound and the copy check to the cohort and returns every miner's outcome.
     *
     * @param loader fetches full deltas again for the exact cosine of candidate copies
     * @throws IllegalStateException when called twice
     */
    public ScreenReport finish(DeltaLoader loader) {
        if (finished) {
            throw new IllegalStateException("screen already finished");
        }
        finished = true;
        List<Profile> ordered = new ArrayList<>(profiles);
        ordered.sort(COMMIT_ORDER);
        List<Profile> measured = ordered.stream().filter(p -> p.rejection == null).toList();

        double median = measured.size() >= config.minCohort() ? median(measured) : Double.NaN;
        double ceiling = config.normCeilingFraction() * baseNorm;
        double bound = Double.isNaN(median)
                ? ceiling
                : Math.min(ceiling, Math.max(config.normFactor() * median, config.normFloorFraction() * baseNorm));
        for (Profile p : measured) {
            if (p.norm > bound) {
                p.rejection = new Rejection(Reason.NORM_BOUND, String.format(Locale.ROOT,
                        "L2 norm %.6g is above the bound %.6g (%s)", p.norm, bound, boundReason(median)));
            }
        }
        findCopies(measured, loader);
        findReplays(measured);

        List<ScreenOutcome> outcomes = new ArrayList<>();
        for (Profile p : ordered) {
            outcomes.add(new ScreenOutcome(p.hotkey, p.commitBlock, p.norm, p.novelty, Optional.ofNullable(p.rejection)));
            if (p.rejection != null && p.rejection.reason().compareTo(Reason.NORM_BOUND) >= 0) {
                log.info("delta of {} rejected: {}", p.hotkey, p.rejection);
            }
        }
        return new ScreenReport(median, bound, outcomes);
    }

    private String boundReason(double median) {
        return Double.isNaN(median)
                ? "cohort under " + config.minCohort() + ", ceiling " + config.normCeilingFraction() + " x base norm"
                : String.format(Locale.ROOT, "%s x cohort median %.6g, within [%s, %s] x base norm",
                        config.normFactor(), median, config.normFloorFraction(), config.normCeilingFraction());
    }

    /** Marks each delta still accepted that is a near-duplicate of an earlier delta. */
    private void findCopies(List<Profile> ordered, DeltaLoader loader) {
        for (int j = 1; j < ordered.size(); j++) {
            Profile later = ordered.get(j);
            if (later.rejection != null) {
                continue;
            }
            ParameterSet laterDelta = null;
            for (int i = 0; i < j; i++) {
                Profile earlier = ordered.get(i);
                double sketchCosine = later.sketch.cosine(earlier.sketch);
                if (sketchCosine < config.candidateThreshold()) {
                    continue;
                }
                if (laterDelta == null) {
                    laterDelta = loader.load(later.hotkey);
                }
                double exact = Deltas.cosine(loader.load(earlier.hotkey), laterDelta);
                log.debug("copy candidate {} vs earlier {}: sketch cosine {}, exact {}", later.hotkey,
                        earlier.hotkey, sketchCosine, exact);
                if (exact >= config.copyThreshold()) {
                    later.rejection = new Rejection(Reason.COPY, String.format(Locale.ROOT,
                            "cosine %.4f to the delta of %s committed at block %d", exact, earlier.hotkey,
                            earlier.commitBlock));
                    if (earlier.commitBlock == later.commitBlock && earlier.rejection == null) {
                        // Same block: nothing shows which came first, and a copier could pick a hotkey
                        // that sorts first. Neither is provably the original, so neither is paid.
                        earlier.rejection = new Rejection(Reason.COPY, String.format(Locale.ROOT,
                                "cosine %.4f to the delta of %s committed in the same block %d", exact,
                                later.hotkey, later.commitBlock));
                    }
                    break;
                }
            }
        }
    }

    /** Marks each delta still accepted that replays the earlier rounds' deltas (see the class doc). */
    private void findReplays(List<Profile> measured) {
        if (earlier.isEmpty()) {
            return;
        }
        List<DeltaSketch> basis = earlier.stream().map(SketchHistory.Entry::sketch).toList();
        long first = earlier.stream().mapToLong(SketchHistory.Entry::round).min().orElseThrow();
        long last = earlier.stream().mapToLong(SketchHistory.Entry::round).max().orElseThrow();
        for (Profile p : measured) {
            if (p.sketch == null) {
                continue;
            }
            p.novelty = p.sketch.novelty(basis);
            if (p.rejection != null) {
                continue;
            }
            SketchHistory.Entry closest = null;
            double best = -1;
            for (SketchHistory.Entry e : earlier) {
                double c = Math.abs(p.sketch.cosine(e.sketch()));
                if (c > best) {
                    best = c;
                    closest = e;
                }
            }
            if (best >= REPLAY_COSINE) {
                p.rejection = new Rejection(Reason.REPLAY, String.format(Locale.ROOT,
                        "sketch cosine %.4f to the delta of %s in round %d", best, closest.hotkey(), closest.round()));
            } else if (p.novelty < MIN_NOVELTY) {
                p.rejection = new Rejection(Reason.REPLAY, String.format(Locale.ROOT,
                        "only %.1f%% of it lies outside the span of the %d deltas of rounds %d-%d (at least %.0f%% must)",
                        100 * p.novelty, earlier.size(), first, last, 100 * MIN_NOVELTY));
            }
        }
    }

    private static double median(List<Profile> measured) {
        double[] norms = measured.stream().mapToDouble(p -> p.norm).sorted().toArray();
        int n = norms.length;
        return n % 2 == 1 ? norms[n / 2] : (norms[n / 2 - 1] + norms[n / 2]) / 2;
    }
}
