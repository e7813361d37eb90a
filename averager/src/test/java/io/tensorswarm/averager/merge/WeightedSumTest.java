package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.protocol.SparseTensor;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link WeightedSum}: sparse deltas sum into one accumulator to exactly what their dense forms sum to. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class WeightedSumTest {
    private static final long[] SHAPE = {37, 41};
    private static final NamedTensor BASE = NamedTensor.ofFloats("w", SHAPE, new float[37 * 41]);

    /** A delta keeping about {@code density} of its entries, as a sparse codec would. */
    private static SparseDelta randomSparse(double density, long seed) {
        SplittableRandom r = new SplittableRandom(seed);
        List<Integer> indices = new ArrayList<>();
        for (int i = 0; i < 37 * 41; i++) {
            if (r.nextDouble() < density) {
                indices.add(i);
            }
        }
        float[] values = new float[indices.size()];
        for (int j = 0; j < values.length; j++) {
            values[j] = (float) (r.nextGaussian() * Math.pow(10, r.nextInt(-4, 2)));
        }
        return new SparseDelta(List.of(SparseTensor.of("w", SHAPE, indices.stream().mapToInt(Integer::intValue).toArray(),
                values)));
    }

    private static float[] denseSum(List<SparseDelta> deltas, float[] weights) {
        return Deltas.weightedSum(deltas.stream().map(SparseDelta::toDense).toList(), "w", weights);
    }

    @Test
    void sparseDeltasSumToWhatTheirDenseFormsSumTo() {
        List<SparseDelta> deltas = List.of(randomSparse(0.05, 1), randomSparse(0.3, 2), randomSparse(0.05, 3),
                randomSparse(0.9, 4));
        float[] weights = {0.4f, 0.1f, 0.3f, 0.2f};
        float[] sparse = WeightedSum.of(deltas.stream().map(MergeDelta::sparse).toList(), BASE, weights);
        assertArrayEquals(denseSum(deltas, weights), sparse, 0f);
    }

    @Test
    void denseAndSparseDeltasAddInTheirOrder() {
        List<SparseDelta> deltas = List.of(randomSparse(0.2, 5), randomSparse(0.2, 6), randomSparse(0.2, 7));
        float[] weights = {0.7f, 0.2f, 0.1f};
        List<MergeDelta> mixed = List.of(MergeDelta.dense(deltas.get(0).toDense()), MergeDelta.sparse(deltas.get(1)),
                MergeDelta.dense(deltas.get(2).toDense()));
        assertArrayEquals(denseSum(deltas, weights), WeightedSum.of(mixed, BASE, weights), 0f);
    }

    @Test
    void allDenseDeltasKeepTheDenseWeightedSum() {
        List<ParameterSet> dense = List.of(randomSparse(1, 8).toDense(), randomSparse(1, 9).toDense());
        float[] weights = {0.25f, 0.75f};
        float[] expected = Deltas.weightedSum(dense, "w", weights);
        float[] actual = WeightedSum.of(dense.stream().map(MergeDelta::dense).toList(), BASE, weights);
        for (int i = 0; i < expected.length; i++) {
            assertArrayEquals(new int[] {Float.floatToRawIntBits(expected[i])},
                    new int[] {Float.floatToRawIntBits(actual[i])}, "element " + i + " bit for bit");
        }
    }
}
