package io.tensorswarm.common.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GptConfigTest {
    /** The config.json of the Hub's {@code gpt2} model, abridged (task_specific_params kept). */
    static final String HUB_GPT2 = """
            {"activation_function": "gelu_new", "architectures": ["GPT2LMHeadModel"], "attn_pdrop": 0.1,
             "bos_token_id": 50256, "embd_pdrop": 0.1, "eos_token_id": 50256, "initializer_range": 0.02,
             "layer_norm_epsilon": 1e-05, "model_type": "gpt2", "n_ctx": 1024, "n_embd": 768, "n_head": 12,
             "n_layer": 12, "n_positions": 1024, "resid_pdrop": 0.1, "summary_type": "cls_index",
             "task_specific_params": {"text-generation": {"do_sample": true, "max_length": 50}},
             "vocab_size": 50257}
            """;

    @Test
    void parsesHubGpt2ConfigAndMatchesPreset() {
        GptConfig c = GptConfig.fromJson(HUB_GPT2);
        assertEquals(GptConfig.preset("gpt2").withDropout(0.1).vocabSize(), c.vocabSize());
        assertEquals(3072, c.innerSize());
        assertNull(c.nInner());
        assertEquals(124_439_808L, c.parameterCount());
        assertEquals(1024, c.extra().get("n_ctx").intValue());
        assertTrue(c.extra().containsKey("task_specific_params"));
        GptConfig preset = GptConfig.preset("gpt2");
        assertEquals(new GptConfig(c.vocabSize(), c.nPositions(), c.nEmbd(), c.nLayer(), c.nHead(), c.nInner(),
                c.activationFunction(), c.layerNormEpsilon(), c.initializerRange(), c.residPdrop(), c.embdPdrop(),
                c.attnPdrop(), true, c.bosTokenId(), c.eosTokenId(), java.util.Map.of()), preset);
        assertEquals(354_823_168L, GptConfig.preset("gpt2-medium").parameterCount());
    }

    @Test
    void smallPresetIsTheSwarmBenchmarksTenMillionParameterByteModel() {
        GptConfig small = GptConfig.preset("small");
        assertEquals(10_795_008L, small.parameterCount());
        assertEquals(256, small.vocabSize());
        assertEquals(GptConfig.preset("tiny").nPositions(), small.nPositions());
        assertEquals(64, small.headDim());
        assertEquals(0.0, small.residPdrop());
        assertEquals(java.util.List.of("tiny", "small", "gpt2", "gpt2-medium"), GptConfig.presetNames());
        for (String name : GptConfig.presetNames()) {
            assertEquals(GptConfig.preset(name), GptConfig.fromJson(GptConfig.preset(name).toJson()));
        }
    }

    @Test
    void roundTripsThroughJsonFileKeepingUnknownKeys(@TempDir Path dir) {
        GptConfig c = GptConfig.fromJson(HUB_GPT2);
        c.write(dir.resolve("config.json"));
        GptConfig back = GptConfig.read(dir.resolve("config.json"));
        assertEquals(c, back);
        String json = back.toJson();
        assertTrue(json.contains("\"model_type\" : \"gpt2\""), json);
        assertTrue(json.contains("\"GPT2LMHeadModel\""), json);
        assertTrue(json.contains("\"n_inner\" : null"), json);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            "n_head": 5                        | n_embd 768 is not divisible by n_head 5
            "n_embd": 0                        | n_embd 0 must be in
            "vocab_size": 2000000              | vocab_size 2000000 must be in
            "n_layer": "12"                    | n_layer must be an integer
            "activation_function": "gelu"      | activation_function gelu is not supported
            "resid_pdrop": 1.0                 | resid_pdrop 1.0 must be in [0, 1)
            "tie_word_embeddings": false       | tie_word_embeddings false is not supported
            "eos_token_id": 50257              | eos_token_id 50257 is outside the vocabulary
            "model_type": "llama"              | model_type llama is not supported
            "layer_norm_epsilon": 0            | layer_norm_epsilon 0.0 must be in (0, 1)
            """)
    void rejectsBadFieldsNamingThem(String override, String message) {
        // Jackson keeps the last of duplicate keys, so the override goes last.
        String finalJson = HUB_GPT2.trim().replaceFirst("}$", "," + override + "}");
        ModelConfigException e = assertThrows(ModelConfigException.class, () -> GptConfig.fromJson(finalJson));
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }

    @Test
    void rejectsMissingRequiredFieldAndMalformedJson(@TempDir Path dir) {
        ModelConfigException e = assertThrows(ModelConfigException.class,
                () -> GptConfig.fromJson("{\"vocab_size\": 10, \"n_positions\": 8, \"n_embd\": 8, \"n_head\": 2}"));
        assertEquals("config n_layer is missing", e.getMessage());
        assertThrows(ModelConfigException.class, () -> GptConfig.fromJson("[1]"));
        assertThrows(ModelConfigException.class, () -> GptConfig.fromJson("{nope"));
        e = assertThrows(ModelConfigException.class, () -> GptConfig.read(dir.resolve("absent.json")));
        assertTrue(e.getMessage().contains("absent.json"), e.getMessage());
        assertThrows(ModelConfigException.class, () -> GptConfig.preset("gpt5"));
    }
}
