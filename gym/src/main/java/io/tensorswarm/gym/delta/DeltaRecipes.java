package io.tensorswarm.gym.delta;

import io.tensorswarm.common.protocol.DeltaMetadata;
import io.tensorswarm.common.tensor.DeltaMath;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Random;

/**
 * How the adversaries build their deltas from deltas they could read: pure functions on F32
 * {@link ParameterSet}s (no metadata in, none out unless {@link #labelled} adds it), so each is tested
 * alone. Every result has the first input's tensor names and shapes.
 */
public final class DeltaRecipes {
    private DeltaRecipes() {}

    /** Returns {@code factor * delta} (the scaled copier: 2; the norm bomb: 100). */
    public static ParameterSet scaled(ParameterSet delta, float factor) {
        return Deltas.weightedSum(List.of(delta), new float[] {factor});
    }

    /** Returns the element-wise mean of {@code deltas} (the mixer). */
    public static ParameterSet mean(List<ParameterSet> deltas) {
        if (deltas.isEmpty()) {
            throw new IllegalArgumentException("the mean of no deltas");
        }
        float[] weights = new float[deltas.size()];
        java.util.Arrays.fill(weights, 1f / deltas.size());
        return Deltas.weightedSum(deltas, weights);
    }

    /**
     * Returns {@code delta} plus Gaussian noise such that each tensor's cosine to the original is
     * {@code cosine} in expectation (noise norm {@code |d| * sqrt(1/c^2 - 1)} per tensor, independent
     * of the delta), hence the whole set's too. An all-zero tensor stays zero.
     *
     * @throws IllegalArgumentException unless {@code 0 < cosine <= 1}
     */
    public static ParameterSet noisyCopy(ParameterSet delta, double cosine, Random random) {
        if (!(cosine > 0 && cosine <= 1)) {
            throw new IllegalArgumentException("target cosine must be in (0, 1], got " + cosine);
        }
        double ratio = Math.sqrt(1 / (cosine * cosine) - 1);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : delta) {
            float[] values = t.toFloats();
            float[] noise = gaussian(values.length, ratio * DeltaMath.l2Norm(values), random);
            for (int i = 0; i < values.length; i++) {
                values[i] += noise[i];
            }
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), values));
        }
        return out.build();
    }

    /**
     * Returns Gaussian noise with {@code like}'s names and shapes and, tensor by tensor, the L2 norm
     * of {@code like}'s tensor times {@code normScale} (the noise miner: 1; a placeholder: small).
     */
    public static ParameterSet noiseLike(ParameterSet like, double normScale, Random random) {
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : like) {
            float[] values = t.toFloats();
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), gaussian(values.length, normScale * DeltaMath.l2Norm(values),
                    random)));
        }
        return out.build();
    }

    /**
     * Returns {@code delta} with the metadata a miner's delta file carries, naming {@code
     * baseRevision} as its base: what re-labels a copied or replayed delta for another round and base.
     */
    public static ParameterSet labelled(ParameterSet delta, String baseRevision) {
        ParameterSet.Builder out = ParameterSet.builder()
                .putMetadata(DeltaMetadata.FORMAT, "pt")
                .putMetadata(DeltaMetadata.KIND, DeltaMetadata.KIND_DELTA)
                .putMetadata(DeltaMetadata.BASE_REVISION, baseRevision);
        for (NamedTensor t : delta) {
            out.add(t);
        }
        return out.build();
    }

    /** Returns {@code n} Gaussian values scaled to L2 norm {@code norm} (zeros when {@code norm} is 0). */
    private static float[] gaussian(int n, double norm, Random random) {
        float[] noise = new float[n];
        if (norm == 0 || n == 0) {
            return noise;
        }
        double sum = 0;
        for (int i = 0; i < n; i++) {
            noise[i] = (float) random.nextGaussian();
            sum += (double) noise[i] * noise[i];
        }
        double scale = sum == 0 ? 0 : norm / Math.sqrt(sum);
        for (int i = 0; i < n; i++) {
            noise[i] = (float) (noise[i] * scale);
        }
        return noise;
    }
}
