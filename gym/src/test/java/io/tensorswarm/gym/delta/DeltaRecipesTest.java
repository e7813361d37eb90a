package io.tensorswarm.gym.delta;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DeltaRecipesTest {
    private static final String BASE = "ab".repeat(32);

    /** Two tensors of very different scales, as a model's delta has. */
    private static ParameterSet delta(long seed) {
        Random r = new Random(seed);
        float[] big = new float[20_000];
        float[] small = new float[3_000];
        for (int i = 0; i < big.length; i++) {
            big[i] = (float) (r.nextGaussian() * 1e-2);
        }
        for (int i = 0; i < small.length; i++) {
            small[i] = (float) (r.nextGaussian() * 1e-5);
        }
        return ParameterSet.builder()
                .add(NamedTensor.ofFloats("h.0.w", new long[] {100, 200}, big))
                .add(NamedTensor.ofFloats("ln.b", new long[] {3_000}, small))
                .build();
    }

    @Test
    void aNoisyCopyHasTheRequestedCosineToItsSourceTensorByTensor() {
        ParameterSet d = delta(1);
        for (double target : new double[] {0.94, 0.8, 0.5}) {
            ParameterSet noisy = DeltaRecipes.noisyCopy(d, target, new Random(2));
            // Sampling error grows as the noise does: ~0.005 at 0.94, ~0.01 at 0.5 for these sizes.
            double tolerance = target > 0.9 ? 0.01 : 0.02;
            assertEquals(target, Deltas.cosine(noisy, d), tolerance, "whole delta at " + target);
            for (NamedTensor t : d) {
                assertEquals(target, DeltaMath.cosineSimilarity(noisy.require(t.name()).toFloats(), t.toFloats()), 0.03,
                        t.name() + " at " + target);
            }
        }
        assertEquals(1.0, Deltas.cosine(DeltaRecipes.noisyCopy(d, 1.0, new Random(3)), d), 1e-9, "cosine 1 is the copy");
        assertThrows(IllegalArgumentException.class, () -> DeltaRecipes.noisyCopy(d, 0, new Random(1)));
        assertThrows(IllegalArgumentException.class, () -> DeltaRecipes.noisyCopy(d, 1.5, new Random(1)));
    }

    @Test
    void theMixIsTheElementWiseMean() {
        ParameterSet a = delta(1);
        ParameterSet b = delta(2);
        ParameterSet c = delta(3);
        ParameterSet mix = DeltaRecipes.mean(List.of(a, b, c));
        for (NamedTensor t : a) {
            float[] x = t.toFloats();
            float[] y = b.require(t.name()).toFloats();
            float[] z = c.require(t.name()).toFloats();
            float[] m = mix.require(t.name()).toFloats();
            for (int i = 0; i < x.length; i++) {
                double expected = ((double) x[i] + y[i] + z[i]) / 3;
                assertEquals(expected, m[i], 1e-6 * (Math.abs(x[i]) + Math.abs(y[i]) + Math.abs(z[i])) + 1e-12, t.name() + "[" + i + "]");
            }
        }
        assertThrows(IllegalArgumentException.class, () -> DeltaRecipes.mean(List.of()));
    }

    @Test
    void scalingMultipliesEveryElement() {
        ParameterSet d = delta(4);
        ParameterSet bomb = DeltaRecipes.scaled(d, 100f);
        for (NamedTensor t : d) {
            float[] x = t.toFloats();
            float[] y = bomb.require(t.name()).toFloats();
            for (int i = 0; i < x.length; i++) {
                assertEquals(100f * x[i], y[i], 0f);
            }
        }
    }

    @Test
    void noiseLikeMatchesEachTensorsNormTimesTheScaleAndNotItsDirection() {
        ParameterSet d = delta(5);
        ParameterSet noise = DeltaRecipes.noiseLike(d, 0.5, new Random(6));
        for (NamedTensor t : d) {
            assertEquals(0.5 * DeltaMath.l2Norm(t.toFloats()), DeltaMath.l2Norm(noise.require(t.name()).toFloats()),
                    1e-6 * DeltaMath.l2Norm(t.toFloats()), t.name());
        }
        assertEquals(0.0, Deltas.cosine(noise, d), 0.03);
    }

    @Test
    void aRelabelledDeltaNamesTheNewBaseAndKeepsItsValues() {
        ParameterSet old = DeltaRecipes.labelled(delta(7), "cd".repeat(32));
        ParameterSet replayed = DeltaRecipes.labelled(old, BASE);
        assertEquals(BASE, replayed.metadata().get(DeltaMetadata.BASE_REVISION));
        assertEquals(DeltaMetadata.KIND_DELTA, replayed.metadata().get(DeltaMetadata.KIND));
        assertEquals("pt", replayed.metadata().get(DeltaMetadata.FORMAT));
        for (NamedTensor t : old) {
            assertArrayEquals(t.toFloats(), replayed.require(t.name()).toFloats(), 0f);
        }
        assertEquals(old.names(), replayed.names());
    }
}
