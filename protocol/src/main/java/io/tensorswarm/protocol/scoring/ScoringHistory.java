package io.tensorswarm.protocol.scoring;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a scorer remembers of its earlier rounds, in its state folder: the sketches of the deltas later
 * rounds compare against (every published delta but same-round copies and replays, {@link
 * RoundScorer.Scores#sketches}; {@link SketchHistory}, {@code sketches.json}, for the replay screen)
 * and those deltas themselves ({@link DeltaArchive}, {@code recent-deltas/}, for the progress check), both over
 * the last {@link SketchHistory#DEFAULT_WINDOW} rounds. The validator and the averager keep one each
 * and use it the same way: read the earlier rounds before scoring a round, record the round after.
 * Not thread-safe.
 */
public final class ScoringHistory {
    private final Path sketchFile;
    private final SketchHistory sketches;
    private final DeltaArchive deltas;

    private ScoringHistory(Path sketchFile, SketchHistory sketches, DeltaArchive deltas) {
        this.sketchFile = sketchFile;
        this.sketches = sketches;
        this.deltas = deltas;
    }

    /**
     * Opens the history kept in {@code stateDir}.
     *
     * @throws io.tensorswarm.common.TensorswarmException (one line naming the file) when the sketch
     *     file exists but cannot be read
     */
    public static ScoringHistory open(Path stateDir, ScreenConfig screen) {
        Path file = stateDir.resolve("sketches.json");
        return new ScoringHistory(file, SketchHistory.load(file, SketchHistory.DEFAULT_WINDOW,
                screen.sketchDimension(), screen.sketchSeed()),
                new DeltaArchive(stateDir.resolve("recent-deltas"), SketchHistory.DEFAULT_WINDOW));
    }

    /** Returns the sketches of the deltas kept from the rounds before {@code round}. */
    public List<SketchHistory.Entry> sketchesBefore(long round) {
        return sketches.before(round);
    }

    /** Returns the deltas kept from the rounds before {@code round}. */
    public List<DeltaArchive.Entry> deltasBefore(long round) {
        return deltas.before(round);
    }

    /**
     * Records what {@code round} published: the sketches and the decoded delta files in {@code cache}
     * (where {@link RoundScorer} put them), then saves.
     */
    public void record(long round, RoundScorer.Scores scores, Path cache) {
        Map<String, Path> files = new LinkedHashMap<>();
        for (String hotkey : scores.sketches().keySet()) {
            files.put(hotkey, RoundScorer.cachedDelta(cache, hotkey));
        }
        deltas.put(round, files);
        sketches.put(round, scores.sketches());
        sketches.save(sketchFile);
    }
}
