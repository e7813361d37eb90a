package io.tensorswarm.common.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.model.ModelWeightsException;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class EvaluatorTest {
    static final Path FIXTURE = Path.of("src", "test", "resources", "fixtures", "gpt2-tiny-ref");
    static final GptConfig MICRO = new GptConfig(40, 12, 16, 2, 2, null, "gelu_new", 1e-5, 0.3, 0, 0, 0, true,
            null, null, Map.of());

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    /** The fixture's two sequences (24 and 13 tokens) batched together: the short one is padded. */
    @Test
    void lossOnFixtureMatchesIndependentPytorchReference() throws Exception {
        JsonNode ref = new ObjectMapper().readTree(FIXTURE.resolve("reference.json").toFile());
        List<int[]> pages = new ArrayList<>();
        for (JsonNode seq : ref.get("input_ids")) {
            int[] p = new int[seq.size()];
            for (int i = 0; i < p.length; i++) {
                p[i] = seq.get(i).intValue();
            }
            pages.add(p);
        }
        try (GptModel model = ModelDirectory.load(FIXTURE, Device.cpu())) {
            Evaluator.Result together = new Evaluator(2).evaluate(model, pages);
            Evaluator.Result apart = new Evaluator(1).evaluate(model, pages);
            assertEquals(23 + 12, together.tokens());
            assertEquals(ref.get("loss").doubleValue(), together.meanLoss(), 1e-5);
            assertEquals(together.meanLoss(), apart.meanLoss(), 1e-6);
        }
    }

    @Test
    void meanIsWeightedByTokensNotPagesAndSkipsPaddingTargets() {
        int[] longPage = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        int[] shortPage = {5, 9, 30, -1, -1};
        try (GptModel model = GptModel.create(MICRO, 4, Device.cpu())) {
            Evaluator eval = new Evaluator(8);
            Evaluator.Result a = eval.evaluate(model, List.of(longPage));
            Evaluator.Result b = eval.evaluate(model, List.of(new int[] {5, 9, 30}));
            Evaluator.Result both = eval.evaluate(model, List.of(longPage, shortPage));
            assertEquals(10, a.tokens());
            assertEquals(2, b.tokens());
            assertEquals(12, both.tokens());
            assertEquals((a.meanLoss() * 10 + b.meanLoss() * 2) / 12, both.meanLoss(), 1e-5);
            assertTrue(Math.abs(both.meanLoss() - (a.meanLoss() + b.meanLoss()) / 2) > 1e-3,
                    "page-weighted mean differs, so the check above means something");
            assertTrue(Double.isNaN(eval.evaluate(model, List.of(new int[] {3, -1})).meanLoss()));
        }
    }

    @Test
    void compareWithDeltaScoresBasePlusDeltaAndRestoresBase() {
        try (GptModel model = GptModel.create(MICRO, 4, Device.cpu());
                GptModel other = GptModel.create(MICRO, 5, Device.cpu())) {
            List<int[]> pages = List.of(new int[] {1, 2, 3, 4, 5, 6}, new int[] {7, 8, 9, 10}, new int[] {3, 3, 3});
            Evaluator eval = new Evaluator(2);
            ParameterSet base = model.parameters();
            ParameterSet target = other.parameters();
            ParameterSet.Builder delta = ParameterSet.builder();
            for (NamedTensor t : base) {
                float[] b = t.toFloats();
                float[] o = target.require(t.name()).toFloats();
                for (int i = 0; i < b.length; i++) {
                    o[i] -= b[i];
                }
                delta.add(NamedTensor.ofFloats(t.name().substring("transformer.".length()), t.shape(), o));
            }
            eval.evaluate(model, pages); // creates the cached masks and constants
            int arrays = model.managedArrayCount();
            Evaluator.Comparison c = eval.compareWithDelta(model, base, delta.build(), pages);
            assertEquals(eval.evaluate(model, pages).meanLoss(), c.base().meanLoss(), 1e-6);
            assertEquals(eval.evaluate(other, pages).meanLoss(), c.withDelta().meanLoss(), 1e-4);
            assertEquals(c.base().meanLoss() - c.withDelta().meanLoss(), c.improvement(), 1e-12);
            assertArrayEquals(base.require("transformer.h.1.attn.c_attn.weight").toFloats(),
                    model.parameters().require("transformer.h.1.attn.c_attn.weight").toFloats());
            assertEquals(arrays, model.managedArrayCount());

            ParameterSet bad = ParameterSet.builder()
                    .add(NamedTensor.ofFloats("h.0.ln_1.bias", new long[] {3}, new float[3])).build();
            ModelWeightsException e = assertThrows(ModelWeightsException.class,
                    () -> eval.compareWithDelta(model, base, bad, pages));
            assertTrue(e.getMessage().contains("h.0.ln_1.bias"), e.getMessage());
        }
    }
}
