package io.tensorswarm.common.model;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Returns the shape and hyper-parameters of a GPT-2 model, read from and written to the Hugging
 * Face {@code GPT2Config} JSON ({@code config.json}).
 *
 * <p>Only GPT-2's own architecture is supported: tied input and output embeddings and the
 * {@code gelu_new} (tanh-approximated) activation. The canonical constructor validates every field
 * and throws {@link ModelConfigException} naming the first bad one. Keys this record does not model
 * ({@code transformers_version}, {@code task_specific_params}, ...) are kept in {@link #extra()} and
 * written back unchanged.
 *
 * <pre>{@code
 * GptConfig tiny = GptConfig.preset("tiny");
 * tiny.write(dir.resolve("config.json"));
 * GptConfig same = GptConfig.read(dir.resolve("config.json"));
 * }</pre>
 *
 * @param vocabSize number of token ids
 * @param nPositions context length (learned position embeddings)
 * @param nEmbd hidden size
 * @param nLayer number of transformer blocks
 * @param nHead attention heads per block; must divide {@code nEmbd}
 * @param nInner MLP hidden size, or {@code null} for {@code 4 * nEmbd}
 * @param activationFunction {@code gelu_new} (or its alias {@code gelu_pytorch_tanh})
 * @param layerNormEpsilon LayerNorm epsilon
 * @param initializerRange standard deviation of the normal weight initialisation
 * @param residPdrop dropout after each residual branch, in training only
 * @param embdPdrop dropout after the embeddings, in training only
 * @param attnPdrop dropout on attention probabilities, in training only
 * @param tieWordEmbeddings must be {@code true}: the LM head reuses {@code wte}
 * @param bosTokenId beginning-of-sequence id, or {@code null}
 * @param eosTokenId end-of-sequence id, or {@code null}
 * @param extra unknown keys, preserved in order
 */
public record GptConfig(
        int vocabSize,
        int nPositions,
        int nEmbd,
        int nLayer,
        int nHead,
        Integer nInner,
        String activationFunction,
        double layerNormEpsilon,
        double initializerRange,
        double residPdrop,
        double embdPdrop,
        double attnPdrop,
        boolean tieWordEmbeddings,
        Integer bosTokenId,
        Integer eosTokenId,
        Map<String, JsonNode> extra) {

    /** Largest accepted vocabulary. */
    public static final int MAX_VOCAB = 1 << 20;
    /** Largest accepted context length. */
    public static final int MAX_POSITIONS = 1 << 16;
    /** Largest accepted hidden size. */
    public static final int MAX_EMBD = 1 << 16;
    /** Largest accepted layer or head count. */
    public static final int MAX_LAYERS = 1024;

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final Set<String> KNOWN = Set.of(
            "vocab_size", "n_positions", "n_embd", "n_layer", "n_head", "n_inner", "activation_function",
            "layer_norm_epsilon", "initializer_range", "resid_pdrop", "embd_pdrop", "attn_pdrop",
            "tie_word_embeddings", "bos_token_id", "eos_token_id", "model_type", "architectures");

    /** Validates every field; see the class comment. */
    public GptConfig {
        positive("vocab_size", vocabSize, MAX_VOCAB);
        positive("n_positions", nPositions, MAX_POSITIONS);
        positive("n_embd", nEmbd, MAX_EMBD);
        positive("n_layer", nLayer, MAX_LAYERS);
        positive("n_head", nHead, MAX_LAYERS);
        if (nEmbd % nHead != 0) {
            throw new ModelConfigException("config n_embd " + nEmbd + " is not divisible by n_head " + nHead);
        }
        if (nInner != null) {
            positive("n_inner", nInner, 4 * MAX_EMBD);
        }
        if (activationFunction == null) {
            activationFunction = "gelu_new";
        }
        if (!activationFunction.equals("gelu_new") && !activationFunction.equals("gelu_pytorch_tanh")) {
            throw new ModelConfigException("config activation_function " + activationFunction
                    + " is not supported (only gelu_new, the tanh approximation)");
        }
        if (!(layerNormEpsilon > 0 && layerNormEpsilon < 1)) {
            throw new ModelConfigException("config layer_norm_epsilon " + layerNormEpsilon + " must be in (0, 1)");
        }
        if (!(initializerRange > 0 && initializerRange < 10)) {
            throw new ModelConfigException("config initializer_range " + initializerRange + " must be in (0, 10)");
        }
        probability("resid_pdrop", residPdrop);
        probability("embd_pdrop", embdPdrop);
        probability("attn_pdrop", attnPdrop);
        if (!tieWordEmbeddings) {
            throw new ModelConfigException("config tie_word_embeddings false is not supported (GPT-2 ties lm_head to wte)");
        }
        tokenId("bos_token_id", bosTokenId, vocabSize);
        tokenId("eos_token_id", eosTokenId, vocabSize);
        extra = extra == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(extra));
    }

    /**
     * Returns a named preset: {@code tiny} (byte vocabulary, 0.8M parameters, trains on a laptop
     * CPU in minutes), {@code small} (byte vocabulary, 10.8M parameters), {@code gpt2} (124M) or
     * {@code gpt2-medium} (355M).
     *
     * <p>{@code tiny} uses 4 layers of width 128 with 4 heads of 32 and a 128-token context: wide
     * enough that byte-level English loss drops below 2.5 nats within a few hundred steps, small
     * enough (about 2.5 MFLOP per token for training) for a 2-core CPU to run 10+ steps/s at batch
     * 16. {@code small} is the swarm benchmark's model of at least 10M parameters that still trains
     * on 2 CPU cores: 6 layers of width 384 with 6 heads of 64, the byte vocabulary and the same
     * 128-token context as {@code tiny}. Dropout is 0 for {@code tiny} and {@code small} (short runs
     * underfit), 0.1 for the GPT-2 presets as in OpenAI's release.
     *
     * @throws ModelConfigException when the name is unknown
     */
    public static GptConfig preset(String name) {
        return switch (name) {
            case "tiny" -> new GptConfig(256, 128, 128, 4, 4, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true,
                    null, null, Map.of());
            case "small" -> new GptConfig(256, 128, 384, 6, 6, null, "gelu_new", 1e-5, 0.02, 0, 0, 0, true,
                    null, null, Map.of());
            case "gpt2" -> gpt2(768, 12, 12);
            case "gpt2-medium" -> gpt2(1024, 24, 16);
            default -> throw new ModelConfigException("unknown model preset " + name
                    + " (expected tiny, small, gpt2 or gpt2-medium)");
        };
    }

    /** Returns the names {@link #preset(String)} accepts. */
    public static List<String> presetNames() {
        return List.of("tiny", "small", "gpt2", "gpt2-medium");
    }

    private static GptConfig gpt2(int embd, int layers, int heads) {
        return new GptConfig(50257, 1024, embd, layers, heads, null, "gelu_new", 1e-5, 0.02, 0.1, 0.1, 0.1,
                true, 50256, 50256, Map.of());
    }

    /** Returns the MLP hidden size: {@code nInner}, or {@code 4 * nEmbd} when unset. */
    public int innerSize() {
        return nInner != null ? nInner : 4 * nEmbd;
    }

    /** Returns the width of one attention head. */
    public int headDim() {
        return nEmbd / nHead;
    }

    /** Returns this config with every dropout probability set to {@code p}. */
    public GptConfig withDropout(double p) {
        return new GptConfig(vocabSize, nPositions, nEmbd, nLayer, nHead, nInner, activationFunction,
                layerNormEpsilon, initializerRange, p, p, p, tieWordEmbeddings, bosTokenId, eosTokenId, extra);
    }

    /** Returns the number of parameters (with the LM head tied, as stored). */
    public long parameterCount() {
        long d = nEmbd;
        long inner = innerSize();
        long perLayer = 2 * d + (d * 3 * d + 3 * d) + (d * d + d) + 2 * d + (d * inner + inner) + (inner * d + d);
        return (long) vocabSize * d + (long) nPositions * d + nLayer * perLayer + 2 * d;
    }

    /**
     * Parses {@code config.json} text.
     *
     * @throws ModelConfigException when the JSON is malformed, a field has the wrong type, or a
     *     value is out of range
     */
    public static GptConfig fromJson(String json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new ModelConfigException("config.json is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelConfigException("config.json must be a JSON object");
        }
        JsonNode modelType = root.get("model_type");
        if (modelType != null && !modelType.isNull() && !"gpt2".equals(modelType.asText())) {
            throw new ModelConfigException("config model_type " + modelType.asText() + " is not supported (expected gpt2)");
        }
        Map<String, JsonNode> extra = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = root.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!KNOWN.contains(e.getKey())) {
                extra.put(e.getKey(), e.getValue());
            }
        }
        return new GptConfig(
                requiredInt(root, "vocab_size"),
                requiredInt(root, "n_positions"),
                requiredInt(root, "n_embd"),
                requiredInt(root, "n_layer"),
                requiredInt(root, "n_head"),
                optionalInt(root, "n_inner"),
                optionalText(root, "activation_function", "gelu_new"),
                optionalDouble(root, "layer_norm_epsilon", 1e-5),
                optionalDouble(root, "initializer_range", 0.02),
                optionalDouble(root, "resid_pdrop", 0.1),
                optionalDouble(root, "embd_pdrop", 0.1),
                optionalDouble(root, "attn_pdrop", 0.1),
                optionalBoolean(root, "tie_word_embeddings", true),
                optionalInt(root, "bos_token_id"),
                optionalInt(root, "eos_token_id"),
                extra);
    }

    /**
     * Reads a {@code config.json} file.
     *
     * @throws ModelConfigException when the file cannot be read or is invalid; names the file
     */
    public static GptConfig read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelConfigException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return fromJson(text);
        } catch (ModelConfigException e) {
            throw new ModelConfigException(file + ": " + e.getMessage(), e);
        }
    }

    /** Returns the Hugging Face {@code config.json} text for this config (stable key order). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode();
        ArrayNode arch = o.putArray("architectures");
        arch.add("GPT2LMHeadModel");
        o.put("activation_function", activationFunction);
        o.put("attn_pdrop", attnPdrop);
        putNullable(o, "bos_token_id", bosTokenId);
        o.put("embd_pdrop", embdPdrop);
        putNullable(o, "eos_token_id", eosTokenId);
        o.put("initializer_range", initializerRange);
        o.put("layer_norm_epsilon", layerNormEpsilon);
        o.put("model_type", "gpt2");
        o.put("n_embd", nEmbd);
        o.put("n_head", nHead);
        putNullable(o, "n_inner", nInner);
        o.put("n_layer", nLayer);
        o.put("n_positions", nPositions);
        o.put("resid_pdrop", residPdrop);
        o.put("tie_word_embeddings", tieWordEmbeddings);
        o.put("vocab_size", vocabSize);
        extra.forEach(o::set);
        try {
            return JSON.writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot serialise config", e);
        }
    }

    /**
     * Writes {@link #toJson()} to {@code file}.
     *
     * @throws ModelConfigException when the file cannot be written
     */
    public void write(Path file) {
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ModelConfigException("cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private static void putNullable(ObjectNode o, String key, Integer value) {
        if (value == null) {
            o.putNull(key);
        } else {
            o.put(key, value);
        }
    }

    private static void positive(String field, int value, int max) {
        if (value <= 0 || value > max) {
            throw new ModelConfigException("config " + field + " " + value + " must be in [1, " + max + "]");
        }
    }

    private static void probability(String field, double p) {
        if (!(p >= 0 && p < 1)) {
            throw new ModelConfigException("config " + field + " " + p + " must be in [0, 1)");
        }
    }

    private static void tokenId(String field, Integer id, int vocab) {
        if (id != null && (id < 0 || id >= vocab)) {
            throw new ModelConfigException("config " + field + " " + id + " is outside the vocabulary [0, " + vocab + ")");
        }
    }

    private static int requiredInt(JsonNode root, String field) {
        Integer v = optionalInt(root, field);
        if (v == null) {
            throw new ModelConfigException("config " + field + " is missing");
        }
        return v;
    }

    private static Integer optionalInt(JsonNode root, String field) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return null;
        }
        if (!n.isIntegralNumber() || !n.canConvertToInt()) {
            throw new ModelConfigException("config " + field + " must be an integer, got " + n);
        }
        return n.intValue();
    }

    private static double optionalDouble(JsonNode root, String field, double dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isNumber()) {
            throw new ModelConfigException("config " + field + " must be a number, got " + n);
        }
        return n.doubleValue();
    }

    private static boolean optionalBoolean(JsonNode root, String field, boolean dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isBoolean()) {
            throw new ModelConfigException("config " + field + " must be true or false, got " + n);
        }
        return n.booleanValue();
    }

    private static String optionalText(JsonNode root, String field, String dflt) {
        JsonNode n = root.get(field);
        if (n == null || n.isNull()) {
            return dflt;
        }
        if (!n.isTextual()) {
            throw new ModelConfigException("config " + field + " must be a string, got " + n);
        }
        return n.textValue();
    }
}
