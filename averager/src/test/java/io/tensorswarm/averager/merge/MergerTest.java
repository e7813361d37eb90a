package io.tensorswarm.averager.merge;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.protocol.Sha256;
import io.tensorswarm.common.safetensors.SafetensorsWriter;
import io.tensorswarm.common.tensor.DeltaMismatchException;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.testing.TestModels;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MergerTest {
    @TempDir static Path tmp;
    static MergeFixture f;

    @BeforeAll
    static void fixture() {
        f = MergeFixture.create(tmp);
    }

    private static MergeResult merge(List<HotkeyDelta> deltas, OuterOptimizer outer) {
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), f.base, Device.cpu())) {
            return new Merger(MergeConfig.defaults()).merge(model, f.base, deltas, f.fitPages, f.checkPages, outer);
        }
    }

    private static List<HotkeyDelta> honestAndNoise() {
        return List.of(new HotkeyDelta("5Hnoise", f.noise), new HotkeyDelta("5Fhonest", f.trainedA),
                new HotkeyDelta("5Ghonest", f.trainedB));
    }

    @Test
    void mergingHonestDeltasLowersHeldOutLossAndIsAccepted() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        MergeResult r = merge(honestAndNoise(), outer);
        assertTrue(r.accepted());
        assertTrue(r.lossAfter() < r.lossBefore(), r.lossAfter() + " vs " + r.lossBefore());
        assertEquals(List.of("5Fhonest", "5Ghonest", "5Hnoise"), List.copyOf(r.alphas().keySet()));
        assertEquals(1.0, r.alphas().values().stream().mapToDouble(Float::doubleValue).sum(), 0);
        assertTrue(r.alphas().get("5Hnoise") < 0.2f, "noise weight " + r.alphas().get("5Hnoise"));
        assertEquals(0, outer.steps(), "the merge itself does not move the momentum");
        assertThrows(IllegalStateException.class, r::withoutWeights, "an accepted merge keeps what it publishes");
    }

    @Test
    void theNewWeightsAreTheOuterStepAlongTheMixedDelta() {
        MergeResult r = merge(honestAndNoise(), new OuterOptimizer(0.7f, 0.9f));
        List<ParameterSet> sorted = List.of(f.trainedA, f.trainedB, f.noise);
        float[] alphas = {r.alphas().get("5Fhonest"), r.alphas().get("5Ghonest"), r.alphas().get("5Hnoise")};
        ParameterSet mixed = Deltas.weightedSum(sorted, alphas);
        // With zero momentum, θ' = θ - 0.7 (g + 0.9 g) with g = -mixed.
        for (NamedTensor t : f.base) {
            float[] theta = t.toFloats();
            float[] d = mixed.require(t.name()).toFloats();
            float[] expected = new float[theta.length];
            for (int i = 0; i < theta.length; i++) {
                float g = -d[i];
                float v = 0.9f * 0f + g;
                expected[i] = theta[i] + -0.7f * (g + 0.9f * v);
            }
            assertArrayEquals(expected, r.newWeights().require(t.name()).toFloats(), 0f, t.name());
        }
    }

    @Test
    void theSameInputsGiveTheSameRevisionHashInFreshModelsAndAnyOrder() throws IOException {
        MergeResult first = merge(honestAndNoise(), new OuterOptimizer(0.7f, 0.9f));
        List<HotkeyDelta> reordered = List.of(honestAndNoise().get(2), honestAndNoise().get(0), honestAndNoise().get(1));
        MergeResult second = merge(reordered, new OuterOptimizer(0.7f, 0.9f));
        Path a = tmp.resolve("a/model.safetensors");
        Path b = tmp.resolve("b/model.safetensors");
        a.getParent().toFile().mkdirs();
        b.getParent().toFile().mkdirs();
        new SafetensorsWriter().write(first.newWeights(), a);
        new SafetensorsWriter().write(second.newWeights(), b);
        assertEquals(Sha256.ofFile(a), Sha256.ofFile(b));
        assertEquals(first.alphas(), second.alphas());
    }

    @Test
    void aMergeThatRaisesTheLossIsRejectedAndLeavesTheMomentumAlone() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        MergeResult r = merge(List.of(new HotkeyDelta("5Hnoise", f.noise)), outer);
        assertFalse(r.accepted());
        assertTrue(r.lossAfter() >= r.lossBefore());
        assertEquals(1f, r.alphas().get("5Hnoise"));
        assertEquals(0, outer.steps());
        assertFalse(r.restarted(), "there was no momentum to blame");

        MergeResult summary = r.withoutWeights();
        assertEquals(null, summary.newWeights());
        assertEquals(null, summary.step());
        assertEquals(r.alphas(), summary.alphas());
        assertEquals(r.lossAfter(), summary.lossAfter());
    }

    @Test
    void aStepThatStaleMomentumCarriesPastTheOptimumIsRetriedFromZeroVelocityAndAccepted() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        // Momentum left by earlier rounds that moved far along this direction: v = 8 g.
        outer.accept(outer.propose(f.base, Merger.pseudoGradient(List.of(scaled(f.trainedA, 8f)), new float[] {1f})));
        List<HotkeyDelta> one = List.of(new HotkeyDelta("5Fhonest", f.trainedA));

        MergeResult r = merge(one, outer);

        assertTrue(r.restarted());
        assertTrue(r.momentumLoss() >= r.lossBefore(), "the step with momentum overshot: " + r);
        assertTrue(r.accepted(), r.lossBefore() + " -> " + r.lossAfter());
        assertTrue(r.step().fromRest());
        float[] g = Merger.pseudoGradient(List.of(f.trainedA), new float[] {1f}).tensors().get(0).toFloats();
        assertArrayEquals(g, r.step().velocity().tensors().get(0).toFloats(), 0f, "v' = g from rest");
        outer.accept(r.step());
        assertEquals(1, outer.restarts());
        assertEquals(2, outer.steps());
    }

    @Test
    void aStopRequestAbandonsTheMergeBetweenPasses() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        int[] checks = {0};
        try (GptModel model = GptModel.fromParameters(TestModels.micro(), f.base, Device.cpu())) {
            assertThrows(java.util.concurrent.CancellationException.class,
                    () -> new Merger(MergeConfig.defaults()).merge(model, f.base, honestAndNoise(), f.fitPages,
                            f.checkPages, outer, () -> ++checks[0] > 2));
        }
        assertEquals(3, checks[0], "stopped at the third pass, inside the mixing-weight fit");
        assertEquals(0, outer.steps());
    }

    private static ParameterSet scaled(ParameterSet set, float factor) {
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : set) {
            float[] v = t.toFloats();
            for (int i = 0; i < v.length; i++) {
                v[i] *= factor;
            }
            out.add(NamedTensor.ofFloats(t.name(), t.shape(), v));
        }
        return out.build();
    }

    @Test
    void acceptingAStepCarriesMomentumIntoTheNextMerge() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        List<HotkeyDelta> one = List.of(new HotkeyDelta("5Fhonest", f.trainedA));
        MergeResult r1 = merge(one, outer);
        outer.accept(r1.step());
        MergeResult r2 = merge(one, outer);
        // Same base and pseudo-gradient g: second step uses v2 = 1.9 g, update g + 0.9 * 1.9 g.
        assertEquals(2, r2.step().steps());
        float[] v2 = r2.step().velocity().tensors().get(0).toFloats();
        float[] g = Merger.pseudoGradient(List.of(f.trainedA), new float[] {1f}).tensors().get(0).toFloats();
        for (int i = 0; i < g.length; i++) {
            assertEquals(0.9f * g[i] + g[i], v2[i], 0f);
        }
    }

    @Test
    void refusesEmptyDuplicateAndMisshapedInputs() {
        OuterOptimizer outer = new OuterOptimizer(0.7f, 0.9f);
        assertThrows(IllegalArgumentException.class, () -> merge(List.of(), outer));
        assertThrows(IllegalArgumentException.class,
                () -> merge(List.of(new HotkeyDelta("x", f.trainedA), new HotkeyDelta("x", f.trainedB)), outer));
        ParameterSet partial = ParameterSet.builder().add(f.trainedA.tensors().get(0)).build();
        assertThrows(DeltaMismatchException.class, () -> merge(List.of(new HotkeyDelta("x", partial)), outer));
    }
}
