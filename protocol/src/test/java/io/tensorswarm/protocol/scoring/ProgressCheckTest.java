package io.tensorswarm.protocol.scoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The progress check on synthetic deltas of 200k parameters: a noisy copy or a mix of earlier deltas
 * has nothing new that descends the loss, whatever the noise level; honest work does.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ProgressCheckTest {
    private static final int N = 200_000;
    private final Random random = new Random(11);
    private final float[] gradient = gaussian(1);
    private final float[] earlier1 = sum(gaussian(1), scaled(gradient, -0.2f));
    private final float[] earlier2 = sum(gaussian(1), scaled(gradient, -0.2f));

    private float[] gaussian(double sd) {
        float[] v = new float[N];
        for (int i = 0; i < N; i++) {
            v[i] = (float) (sd * random.nextGaussian());
        }
        return v;
    }

    private static float[] scaled(float[] v, float s) {
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * s;
        }
        return out;
    }

    private static float[] sum(float[] a, float[] b) {
        float[] out = new float[a.length];
        for (int i = 0; i < a.length; i++) {
            out[i] = a[i] + b[i];
        }
        return out;
    }

    /** Two tensors, so dot products run over more than one. */
    private static ParameterSet set(float[] v) {
        float[] a = java.util.Arrays.copyOfRange(v, 0, N / 4);
        float[] b = java.util.Arrays.copyOfRange(v, N / 4, N);
        return ParameterSet.builder().add(NamedTensor.ofFloats("a", new long[] {N / 4}, a))
                .add(NamedTensor.ofFloats("b", new long[] {N - N / 4}, b)).build();
    }

    private static Supplier<ParameterSet> loader(float[] v) {
        ParameterSet s = set(v);
        return () -> s;
    }

    private ProgressCheck.Measure measure(List<float[]> earlier, float[] delta) {
        return ProgressCheck.measure(set(gradient), earlier.stream().map(ProgressCheckTest::loader).toList(),
                List.of(loader(delta))).get(0);
    }

    @Test
    void gradientIsTakenOnEachPagesFirst129Tokens() {
        int[] gpt2Page = new int[1025];
        java.util.Arrays.setAll(gpt2Page, i -> i);
        int[] tinyPage = new int[129];
        int[] shortPage = {1, 2, 3};
        List<int[]> window = ProgressCheck.gradientWindow(List.of(gpt2Page, tinyPage, shortPage));
        assertEquals(3, window.size(), "every page still counts");
        assertEquals(ProgressCheck.GRADIENT_WINDOW, window.get(0).length);
        assertEquals(128, window.get(0)[128]);
        assertTrue(window.get(1) == tinyPage && window.get(2) == shortPage, "pages that fit are used as they are");
    }

    @Test
    void noisyCopiesOfAnEarlierDeltaMakeNoProgressAtAnyNoiseLevel() {
        for (float noise : new float[] {0.3f, 0.75f, 2f, 5f}) {
            float[] copy = sum(scaled(earlier1, 1.1f), gaussian(noise));
            ProgressCheck.Measure m = measure(List.of(earlier1, earlier2), copy);
            assertTrue(m.novelty() > 0.05, "the noise is new: " + m);
            assertTrue(Math.abs(m.z()) < 4, "noise " + noise + ": " + m);
            assertTrue(Math.abs(m.cosine()) < 4 / Math.sqrt(N), "noise " + noise + ": " + m);
            assertTrue(ProgressCheck.judge(m, 2).isPresent());
        }
    }

    @Test
    void mixesAndReplaysHaveAnEmptyResidual() {
        ProgressCheck.Measure mix = measure(List.of(earlier1, earlier2), sum(scaled(earlier1, 0.6f), scaled(earlier2, 0.4f)));
        assertTrue(mix.novelty() < 1e-5, mix.toString());
        assertEquals(0, mix.z());
        assertEquals(Rejection.Reason.NO_PROGRESS, ProgressCheck.judge(mix, 2).orElseThrow().reason());
    }

    @Test
    void honestWorkAlignedWithEarlierRoundsStillPasses() {
        // Mostly the earlier rounds' direction again, plus its own steps, of which a small part descends.
        float[] own = sum(gaussian(1), scaled(gradient, -0.05f));
        float[] honest = sum(sum(scaled(earlier1, 0.6f), scaled(earlier2, 0.6f)), own);
        ProgressCheck.Measure m = measure(List.of(earlier1, earlier2, earlier1), honest);
        assertTrue(m.novelty() > 0.2 && m.novelty() < 0.8, m.toString());
        assertTrue(m.z() > 3 * ProgressCheck.Z, m.toString());
        assertTrue(ProgressCheck.judge(m, 3).isEmpty());
    }

    /**
     * A copy of an earlier delta with a few steps of real training and noise on top passes the gate (its
     * new part does descend), but is paid only for the share of its descent that is new; an honest delta
     * whose descent is mostly its own keeps most of its score.
     */
    @Test
    void theScoreIsScaledByTheShareOfTheDescentThatIsNew() {
        float[] fewSteps = sum(gaussian(0.05), scaled(gradient, -0.03f));
        float[] noisyTunedCopy = sum(sum(earlier1, fewSteps), gaussian(0.75));
        ProgressCheck.Measure copy = measure(List.of(earlier1, earlier2), noisyTunedCopy);
        assertTrue(ProgressCheck.judge(copy, 2).isEmpty(), "its few steps descend: " + copy);
        assertTrue(copy.newShare() < 0.2, copy.toString());

        float[] honest = sum(scaled(earlier1, 0.3f), sum(gaussian(1), scaled(gradient, -0.3f)));
        ProgressCheck.Measure own = measure(List.of(earlier1, earlier2), honest);
        assertTrue(own.newShare() > 0.7, own.toString());

        ProgressCheck.Measure first = measure(List.of(), honest);
        assertEquals(1.0, first.newShare(), 1e-9, "with nothing earlier, all of it is new");
    }

    @Test
    void withoutEarlierRoundsPureNoiseFailsAndTrainingPasses() {
        ProgressCheck.Measure noise = measure(List.of(), gaussian(1));
        assertEquals(1.0, noise.novelty(), 1e-9);
        assertTrue(ProgressCheck.judge(noise, 0).isPresent(), noise.toString());
        ProgressCheck.Measure trained = measure(List.of(), sum(gaussian(1), scaled(gradient, -0.1f)));
        assertTrue(ProgressCheck.judge(trained, 0).isEmpty(), trained.toString());
    }

    /**
     * Noise put only where the gradient is large has a cosine with it far above chance for its size
     * (1/sqrt(#parameters)), but its signs still owe nothing to the gradient: the z-score stays small.
     */
    @Test
    void noiseConcentratedWhereTheGradientIsLargeStillFails() {
        int hot = 400;
        float[] g = gaussian(1);
        for (int i = 0; i < hot; i++) {
            g[i] *= 40;
        }
        double largestCosine = 0;
        for (int trial = 0; trial < 8; trial++) {
            float[] noise = new float[N];
            for (int i = 0; i < hot; i++) {
                noise[i] = (float) random.nextGaussian();
            }
            ProgressCheck.Measure m = ProgressCheck.measure(set(g), List.of(), List.of(loader(noise))).get(0);
            largestCosine = Math.max(largestCosine, Math.abs(m.cosine()));
            assertTrue(Math.abs(m.z()) < 4, m.toString());
            assertTrue(ProgressCheck.judge(m, 0).isPresent());
        }
        assertTrue(largestCosine > 5 / Math.sqrt(N), "a cosine gate at 5/sqrt(N) would have let one through: "
                + largestCosine);
    }

    @Test
    void orthonormaliseSkipsVectorsAlreadyInTheSpan() {
        double[][] gram = {{4, 2, 4}, {2, 5, 2}, {4, 2, 4}}; // the third vector repeats the first
        double[][] basis = ProgressCheck.orthonormalise(gram);
        assertEquals(2, basis.length);
    }
}
