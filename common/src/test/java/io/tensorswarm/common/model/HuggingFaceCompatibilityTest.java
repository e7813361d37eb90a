package io.tensorswarm.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Proves that our GPT-2 matches Hugging Face semantics in both directions, against the independent
 * PyTorch implementation in {@code scripts/fixtures/gpt2_reference.py}.
 */
class HuggingFaceCompatibilityTest {
    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void hubLayoutFixtureLoadsAndReproducesReferenceLogits() throws Exception {
        JsonNode ref = PythonReference.reference();
        int[][] ids = PythonReference.ids(ref.get("input_ids"));
        assertTrue(ids[0].length != ids[1].length, "fixture holds sequences of different lengths");
        ParameterSet raw = ModelDirectory.readWeights(PythonReference.FIXTURE);
        assertTrue(raw.contains("h.0.attn.bias") && raw.contains("wte.weight"), "fixture is in the bare Hub layout");
        assertEquals("pt", raw.metadata().get("format"));
        try (GptModel model = ModelDirectory.load(PythonReference.FIXTURE, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            for (int s = 0; s < ids.length; s++) {
                float[] ours = model.logits(scope, new int[][] {ids[s]}).toFloatArray();
                assertLogitsMatch(ref.get("logits").get(s), ours, model.config().vocabSize(), "sequence " + s);
            }
        }
    }

    @Test
    void savedDirectoryReproducesInIndependentPytorchImplementation(@TempDir Path dir) throws Exception {
        assumeTrue(PythonReference.torchAvailable(), "torch not importable by /usr/bin/python3");
        GptConfig cfg = new GptConfig(61, 20, 24, 2, 3, 40, "gelu_new", 1e-5, 0.4, 0, 0, 0, true, null, null, Map.of());
        int[][] ids = {{3, 17, 60, 0, 42, 42, 9, 1, 30, 12, 5}, {59, 2, 7, 44, 18}};
        try (GptModel model = GptModel.create(cfg, 99, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            ModelDirectory.save(model, dir);
            JsonNode theirs = PythonReference.check(dir, ids);
            float firstLogit = 0;
            for (int s = 0; s < ids.length; s++) {
                float[] ours = model.logits(scope, new int[][] {ids[s]}).toFloatArray();
                assertLogitsMatch(theirs.get("logits").get(s), ours, cfg.vocabSize(), "sequence " + s);
                firstLogit = Math.max(firstLogit, Math.abs(ours[0]));
            }
            assertTrue(firstLogit > 0.1, "logits must be non-trivial for the comparison to mean something");
        }
    }

    @Test
    void savedDirectoryHasSavePretrainedLayout(@TempDir Path dir) throws Exception {
        GptConfig cfg = GptConfig.preset("tiny");
        try (GptModel model = GptModel.create(cfg, 5, Device.cpu())) {
            ModelDirectory.save(model, dir);
            ParameterSet stored = ModelDirectory.readWeights(dir);
            assertEquals(Map.of("format", "pt"), stored.metadata());
            assertEquals(model.parameters().names(), stored.names());
            assertFalse(stored.contains("lm_head.weight"));
            assertEquals(cfg, ModelDirectory.readConfig(dir));
            try (GptModel again = ModelDirectory.load(dir, Device.cpu())) {
                assertEquals(model.parameters().require("transformer.h.3.mlp.c_fc.weight").toFloats()[77],
                        again.parameters().require("transformer.h.3.mlp.c_fc.weight").toFloats()[77]);
            }
        }
    }

    static void assertLogitsMatch(JsonNode expected, float[] actual, int vocab, String what) {
        assertEquals(expected.size() * vocab, actual.length, what + ": logit count");
        double worst = 0;
        for (int t = 0; t < expected.size(); t++) {
            for (int v = 0; v < vocab; v++) {
                worst = Math.max(worst, Math.abs(expected.get(t).get(v).doubleValue() - actual[t * vocab + v]));
            }
        }
        assertTrue(worst < 1e-4, what + ": max |logit diff| " + worst);
    }
}
