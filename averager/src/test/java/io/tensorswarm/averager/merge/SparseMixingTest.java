package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.protocol.SparseLocoCodec;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link MixingWeights#lossAndGradient} on sparse deltas: the same loss, and each {@code ∂L/∂α_i =
 * <∇θ L, δ_i>} read at the delta's kept entries equal to the dense dot product up to float rounding.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparseMixingTest {
    @TempDir static Path tmp;
    static MergeFixture f;

    @BeforeAll
    static void fixture() {
        f = MergeFixture.create(tmp);
    }

    @Test
    void theAlphaGradientOfSparseDeltasIsTheDenseOneUpToRounding() {
        SparseLocoCodec codec = new SparseLocoCodec(256, 8);
        ParameterSet a = codec.encode(f.trainedA);
        ParameterSet noise = codec.encode(f.noise);
        List<MergeDelta> dense = List.of(MergeDelta.dense(codec.decode(a, f.base)),
                MergeDelta.dense(codec.decode(noise, f.base)));
        List<MergeDelta> sparse = List.of(MergeDelta.sparse(codec.decodeSparse(a, f.base)),
                MergeDelta.sparse(codec.decodeSparse(noise, f.base)));
        MixingWeights mw = new MixingWeights(MixingConfig.defaults());
        float[] alphas = {0.6f, 0.4f};
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), f.base, Device.cpu())) {
            MixingWeights.LossAndGradient d = mw.lossAndGradient(model, f.base, dense, alphas, f.fitPages);
            MixingWeights.LossAndGradient s = mw.lossAndGradient(model, f.base, sparse, alphas, f.fitPages);
            assertEquals(d.loss(), s.loss(), 0.0, "the same weights are loaded");
            for (int i = 0; i < 2; i++) {
                assertEquals(d.gradient()[i], s.gradient()[i], 1e-12 * Math.abs(d.gradient()[i]) + 1e-15,
                        "dL/dalpha_" + i);
            }
        }
    }
}
