package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.tensor.DeltaMath;
import java.util.Arrays;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DeltaSketchTest {
    @Test
    void sketchCosineTracksExactCosineOnDenseDeltas() {
        int n = 50_000;
        SplittableRandom rnd = new SplittableRandom(11);
        float[] x = new float[n];
        float[] noise = new float[n];
        for (int i = 0; i < n; i++) {
            x[i] = (float) rnd.nextGaussian();
            noise[i] = (float) rnd.nextGaussian();
        }
        for (double mix : new double[] {0.0, 0.5, 0.9, 1.0}) {
            float[] y = new float[n];
            for (int i = 0; i < n; i++) {
                y[i] = (float) (mix * x[i] + Math.sqrt(1 - mix * mix) * noise[i]);
            }
            DeltaSketch sx = sketch(x);
            DeltaSketch sy = sketch(y);
            double exact = DeltaMath.cosineSimilarity(x, y);
            assertEquals(exact, sx.cosine(sy), 0.1, "mix " + mix);
        }
    }

    @Test
    void splittingADeltaIntoTensorsGivesTheSameSketch() {
        float[] x = new float[1000];
        SplittableRandom rnd = new SplittableRandom(3);
        for (int i = 0; i < x.length; i++) {
            x[i] = (float) rnd.nextGaussian();
        }
        DeltaSketch whole = sketch(x);
        DeltaSketch parts = new DeltaSketch(1024, 42);
        parts.add(0, Arrays.copyOfRange(x, 0, 300));
        parts.add(300, Arrays.copyOfRange(x, 300, 1000));
        assertArrayEquals(whole.buckets(), parts.buckets());
        assertEquals(1.0, whole.cosine(parts), 1e-12);
    }

    @Test
    void anAllZeroSketchHasCosineZeroAndDimensionsMustMatch() {
        assertEquals(0, new DeltaSketch(1024, 42).cosine(sketch(new float[] {1f, 2f})));
        assertThrows(IllegalArgumentException.class, () -> new DeltaSketch(64, 1).cosine(new DeltaSketch(128, 1)));
    }

    private static DeltaSketch sketch(float[] v) {
        DeltaSketch s = new DeltaSketch(1024, 42);
        s.add(0, v);
        return s;
    }
}
