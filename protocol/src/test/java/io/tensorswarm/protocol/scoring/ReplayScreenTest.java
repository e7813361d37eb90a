package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.protocol.scoring.Rejection.Reason;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DeltaScreen} against earlier rounds: re-labelled, scaled, mixed and noisy copies of earlier
 * rounds' deltas are {@link Reason#REPLAY}s, fresh deltas pass whatever their alignment within the
 * round, and the {@link SketchHistory} that carries the sketches survives a save and load.
 */
@Timeout(60)
class ReplayScreenTest {
    private static final int N = 200_000;
    private static final ParameterSet BASE = set(filled(N, 1f));

    @TempDir Path tmp;

    private static float[] filled(int n, float v) {
        float[] a = new float[n];
        java.util.Arrays.fill(a, v);
        return a;
    }

    private static ParameterSet set(float[] v) {
        return ParameterSet.builder().add(NamedTensor.ofFloats("w", new long[] {v.length}, v)).build();
    }

    private static float[] gaussian(long seed, double scale) {
        SplittableRandom r = new SplittableRandom(seed);
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = (float) (r.nextGaussian() * scale);
        }
        return v;
    }

    private static float[] plus(float[] a, float[] b, double bScale) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = (float) (a[i] + bScale * b[i]);
        }
        return out;
    }

    /** Earlier rounds: three independent deltas per round for rounds 4 and 5, as sketches. */
    private List<SketchHistory.Entry> earlier(Map<String, float[]> byName) {
        List<SketchHistory.Entry> out = new ArrayList<>();
        ScreenConfig c = ScreenConfig.defaults();
        for (var e : byName.entrySet()) {
            DeltaSketch s = new DeltaSketch(c.sketchDimension(), c.sketchSeed());
            s.add(0, e.getValue());
            out.add(new SketchHistory.Entry(e.getKey().startsWith("r4") ? 4 : 5, e.getKey(), s));
        }
        return out;
    }

    private ScreenReport screen(List<SketchHistory.Entry> earlier, Map<String, float[]> deltas) {
        DeltaScreen screen = new DeltaScreen(BASE, ScreenConfig.defaults(), earlier);
        Map<String, ParameterSet> sets = new HashMap<>();
        long block = 1;
        for (var e : deltas.entrySet()) {
            sets.put(e.getKey(), set(e.getValue()));
            screen.add(e.getKey(), block++, sets.get(e.getKey()));
        }
        return screen.finish(sets::get);
    }

    @Test
    void replaysScaledCopiesMixesAndNoisyCopiesOfEarlierRoundsAreRejectedAndFreshDeltasPass() {
        Map<String, float[]> old = new java.util.LinkedHashMap<>();
        for (int i = 0; i < 3; i++) {
            old.put("r4-" + i, gaussian(40 + i, 1e-3));
            old.put("r5-" + i, gaussian(50 + i, 1e-3));
        }
        List<SketchHistory.Entry> earlier = earlier(old);
        float[] shared = gaussian(99, 1e-3); // what this round's honest deltas have in common
        Map<String, float[]> round = new java.util.LinkedHashMap<>();
        round.put("honestA", plus(shared, gaussian(1, 1e-3), 0.5)); // cosine ~0.8 to each other: fine
        round.put("honestB", plus(shared, gaussian(2, 1e-3), 0.5));
        round.put("replayer", old.get("r5-0"));
        round.put("scaled", plus(new float[N], old.get("r5-1"), 2.0));
        round.put("mixer", plus(old.get("r5-0"), old.get("r4-2"), 1.0));
        round.put("noisy", plus(old.get("r5-2"), gaussian(7, 1e-3), 0.36)); // cosine ~0.94 to its source
        round.put("finetune", plus(old.get("r4-1"), gaussian(8, 1e-3), 0.4));

        ScreenReport report = screen(earlier, round);

        for (String honest : List.of("honestA", "honestB")) {
            ScreenOutcome o = report.outcome(honest).orElseThrow();
            assertTrue(o.accepted(), honest + ": " + o);
            assertTrue(o.novelty() > 0.9, honest + " novelty " + o.novelty());
        }
        for (String replay : List.of("replayer", "scaled", "mixer", "noisy", "finetune")) {
            ScreenOutcome o = report.outcome(replay).orElseThrow();
            assertEquals(Reason.REPLAY, o.rejection().map(Rejection::reason).orElse(null), replay + ": " + o);
            assertTrue(o.novelty() < DeltaScreen.MIN_NOVELTY, replay + " novelty " + o.novelty());
        }
        assertTrue(report.outcome("replayer").orElseThrow().rejection().orElseThrow().detail()
                .contains("round 5"), report.outcome("replayer").toString());
    }

    @Test
    void withoutEarlierRoundsNothingIsAReplayAndNoveltyIsNotMeasured() {
        ScreenReport report = screen(List.of(), Map.of("a", gaussian(1, 1e-3)));
        ScreenOutcome o = report.outcome("a").orElseThrow();
        assertTrue(o.accepted());
        assertTrue(Double.isNaN(o.novelty()));
    }

    @Test
    void theHistoryKeepsItsWindowAndSurvivesASaveAndLoad() {
        ScreenConfig c = ScreenConfig.defaults();
        SketchHistory h = new SketchHistory(2, c.sketchDimension(), c.sketchSeed());
        for (long round = 1; round <= 4; round++) {
            DeltaSketch s = new DeltaSketch(c.sketchDimension(), c.sketchSeed());
            s.add(0, gaussian(round, 1));
            h.put(round, Map.of("5Fminer", s));
        }
        Path file = tmp.resolve("sketches.json");
        h.save(file);
        SketchHistory loaded = SketchHistory.load(file, 2, c.sketchDimension(), c.sketchSeed());
        assertEquals(List.of(3L, 4L), loaded.before(5).stream().map(SketchHistory.Entry::round).toList());
        assertEquals(List.of(2L, 3L), loaded.before(4).stream().map(SketchHistory.Entry::round).toList());
        DeltaSketch four = new DeltaSketch(c.sketchDimension(), c.sketchSeed());
        four.add(0, gaussian(4, 1));
        assertEquals(1.0, loaded.before(5).get(1).sketch().cosine(four), 1e-9);
        assertTrue(SketchHistory.load(file, 2, 64, c.sketchSeed()).before(5).isEmpty(),
                "a history of another sketch shape is not used");
    }

    @Test
    void aCorruptHistoryIsAOneLineErrorNamingTheFile() throws Exception {
        Path file = tmp.resolve("sketches.json");
        java.nio.file.Files.writeString(file, "{\"schema_version\": 9}");
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.tensorswarm.common.TensorswarmException.class,
                () -> SketchHistory.load(file, 3, 1024, 1));
        assertTrue(e.getMessage().contains(file.toString()) && !e.getMessage().contains("\n"), e.getMessage());
    }
}
