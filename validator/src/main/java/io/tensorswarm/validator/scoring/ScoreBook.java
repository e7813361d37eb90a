package io.tensorswarm.validator.scoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps each miner's exponential moving average of round scores, and turns it into chain weights.
 *
 * <p>Each round, {@link #update} sets {@code s = alpha * x + (1 - alpha) * s} for every miner with
 * a round score {@code x} (a rejected delta counts as {@code x = 0}); a new miner starts from
 * {@code s = 0}, so one lucky round cannot buy a full weight. Every known miner missing from the
 * round decays as if it scored 0. A score that decays below {@value #PRUNE_BELOW} is dropped, so
 * the book does not grow with miners that left. A round is applied once: updating a round not
 * after {@link #lastRound()} changes nothing (a validator that restarts mid-round cannot
 * double-decay).
 *
 * <p>{@link #save}/{@link #load} persist the book through {@link ScoreBookFile}: atomically, as
 * versioned JSON. Not thread-safe.
 *
 * <pre>{@code
 * ScoreBook book = ScoreBook.load(stateDir.resolve("scores.json"), 0.1);
 * book.update(round, Map.of("5F...a", 0.021, "5G...b", 0.0));
 * book.save(stateDir.resolve("scores.json"));
 * WeightVector w = book.normalizedWeights(metagraph.uidsByHotkey());
 * }</pre>
 */
public final class ScoreBook {
    private static final Logger log = LoggerFactory.getLogger(ScoreBook.class);

    /** Scores below this are removed after decaying. */
    public static final double PRUNE_BELOW = 1e-9;

    /** {@link #lastRound()} of a book that has seen no round. */
    public static final long NO_ROUND = -1;

    private final double alpha;
    private final TreeMap<String, Double> scores = new TreeMap<>();
    private long lastRound = NO_ROUND;

    /**
     * Creates an empty book.
     *
     * @throws IllegalArgumentException when {@code alpha} is not in (0, 1]
     */
    public ScoreBook(double alpha) {
        if (!(alpha > 0 && alpha <= 1)) {
            throw new IllegalArgumentException("EMA alpha must be in (0, 1], got " + alpha);
        }
        this.alpha = alpha;
    }

    /** Returns a book holding these scores, as read back from a file. */
    static ScoreBook restore(double alpha, long lastRound, Map<String, Double> scores) {
        ScoreBook book = new ScoreBook(alpha);
        book.lastRound = lastRound;
        book.scores.putAll(scores);
        return book;
    }

    /**
     * Returns the book stored in {@code file}, or an empty book when there is no such file.
     *
     * @throws ScoreBookException when the file is unreadable, corrupt or of another schema version
     */
    public static ScoreBook load(Path file, double alpha) {
        return ScoreBookFile.read(file, alpha);
    }

    /**
     * Writes the book to {@code file} atomically: readers and a restarted validator see the old
     * file or the new one, never a mix.
     *
     * @throws ScoreBookException when the file cannot be written
     */
    public void save(Path file) {
        ScoreBookFile.write(this, file);
    }

    public double alpha() {
        return alpha;
    }

    /** Returns the last round applied, or {@link #NO_ROUND}. */
    public long lastRound() {
        return lastRound;
    }

    /** Returns the miner's moving score, 0 when unknown. */
    public double score(String hotkey) {
        return scores.getOrDefault(hotkey, 0.0);
    }

    /** Returns every known miner's moving score, by hotkey. */
    public Map<String, Double> scores() {
        return Collections.unmodifiableMap(new TreeMap<>(scores));
    }

    /**
     * Applies one round's scores; miners not in {@code roundScores} decay.
     *
     * @return false, changing nothing, when {@code round} is not after {@link #lastRound()}
     * @throws IllegalArgumentException when a score is negative or not finite
     */
    public boolean update(long round, Map<String, Double> roundScores) {
        if (round <= lastRound) {
            log.warn("round {} already applied to the score book (last {}); ignoring", round, lastRound);
            return false;
        }
        roundScores.forEach((hotkey, x) -> {
            if (!(x >= 0) || Double.isInfinite(x)) {
                throw new IllegalArgumentException("round score of " + hotkey + " must be finite and >= 0, got " + x);
            }
        });
        Set<String> all = new HashSet<>(scores.keySet());
        all.addAll(roundScores.keySet());
        for (String hotkey : all) {
            double x = roundScores.getOrDefault(hotkey, 0.0);
            double s = alpha * x + (1 - alpha) * scores.getOrDefault(hotkey, 0.0);
            if (s < PRUNE_BELOW) {
                scores.remove(hotkey);
            } else {
                scores.put(hotkey, s);
            }
        }
        lastRound = round;
        return true;
    }

    /** Forgets every miner not in {@code hotkeys} (deregistered ones). */
    public void retainOnly(Collection<String> hotkeys) {
        scores.keySet().retainAll(new HashSet<>(hotkeys));
    }

    /**
     * Returns each registered miner's share of the total moving score, by uid ascending. Hotkeys
     * missing from {@code uidsByHotkey} and zero scores are left out; when nothing is left, the
     * vector is empty (the caller decides what to set).
     *
     * @throws IllegalArgumentException when two hotkeys map to the same uid
     */
    public WeightVector normalizedWeights(Map<String, Integer> uidsByHotkey) {
        TreeMap<Integer, Double> byUid = new TreeMap<>();
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            Integer uid = uidsByHotkey.get(e.getKey());
            if (uid == null || e.getValue() <= 0) {
                continue;
            }
            if (byUid.put(uid, e.getValue()) != null) {
                throw new IllegalArgumentException("uid " + uid + " belongs to two hotkeys");
            }
        }
        double total = 0;
        for (double s : byUid.values()) {
            total += s;
        }
        List<Integer> uids = new ArrayList<>(byUid.keySet());
        int[] u = new int[uids.size()];
        float[] w = new float[uids.size()];
        for (int i = 0; i < u.length; i++) {
            u[i] = uids.get(i);
            w[i] = (float) (byUid.get(u[i]) / total);
        }
        return new WeightVector(u, w);
    }

    @Override
    public String toString() {
        return "ScoreBook[alpha=" + alpha + ", lastRound=" + lastRound + ", " + scores.size() + " miners]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ScoreBook b && b.alpha == alpha && b.lastRound == lastRound && b.scores.equals(scores);
    }

    @Override
    public int hashCode() {
        return Objects.hash(alpha, lastRound, scores);
    }
}
