package io.tensorswarm.common.model;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Returns the names, shapes and initialisation of a GPT-2 model's parameters, exactly as Hugging
 * Face {@code GPT2LMHeadModel.state_dict()} names them (without the tied {@code lm_head.weight} and
 * the {@code attn.bias} mask buffers).
 *
 * <p>Conv1D weights are stored {@code [in, out]} ({@code y = x @ W + b}).
 */
public final class GptParameterLayout {
    /** The prefix every stored name carries; the original Hub checkpoints omit it. */
    public static final String PREFIX = "transformer.";

    /** One parameter: its HF name, shape, initial standard deviation (0 = constant) and fill. */
    public record Spec(String name, long[] shape, double initStd, float constant, boolean decayed) {}

    private final Map<String, Spec> specs;

    /** Builds the layout of {@code config}. */
    public GptParameterLayout(GptConfig config) {
        long d = config.nEmbd();
        long inner = config.innerSize();
        double std = config.initializerRange();
        // GPT-2 scales the residual projections by 1/sqrt(2 * n_layer) (two per block).
        double projStd = std / Math.sqrt(2.0 * config.nLayer());
        List<Spec> list = new ArrayList<>();
        list.add(weight("wte.weight", std, config.vocabSize(), d));
        list.add(weight("wpe.weight", std, config.nPositions(), d));
        for (int i = 0; i < config.nLayer(); i++) {
            String h = "h." + i + ".";
            list.add(constant(h + "ln_1.weight", 1f, d));
            list.add(constant(h + "ln_1.bias", 0f, d));
            list.add(weight(h + "attn.c_attn.weight", std, d, 3 * d));
            list.add(constant(h + "attn.c_attn.bias", 0f, 3 * d));
            list.add(weight(h + "attn.c_proj.weight", projStd, d, d));
            list.add(constant(h + "attn.c_proj.bias", 0f, d));
            list.add(constant(h + "ln_2.weight", 1f, d));
            list.add(constant(h + "ln_2.bias", 0f, d));
            list.add(weight(h + "mlp.c_fc.weight", std, d, inner));
            list.add(constant(h + "mlp.c_fc.bias", 0f, inner));
            list.add(weight(h + "mlp.c_proj.weight", projStd, inner, d));
            list.add(constant(h + "mlp.c_proj.bias", 0f, d));
        }
        list.add(constant("ln_f.weight", 1f, d));
        list.add(constant("ln_f.bias", 0f, d));
        Map<String, Spec> m = new LinkedHashMap<>();
        for (Spec s : list) {
            m.put(s.name(), s);
        }
        this.specs = Collections.unmodifiableMap(m);
    }

    private static Spec weight(String bare, double std, long... shape) {
        return new Spec(PREFIX + bare, shape, std, 0f, true);
    }

    private static Spec constant(String bare, float value, long... shape) {
        return new Spec(PREFIX + bare, shape, 0, value, false);
    }

    /** Returns every parameter in Hugging Face order, keyed by its prefixed name. */
    public Map<String, Spec> specs() {
        return specs;
    }

    /** Returns the parameter names in Hugging Face order. */
    public List<String> names() {
        return List.copyOf(specs.keySet());
    }

    /**
     * Returns the canonical ({@code transformer.}-prefixed) form of a checkpoint name, accepting
     * the bare names of the original Hub {@code gpt2} checkpoint ({@code h.0.ln_1.weight}).
     */
    public static String canonicalName(String name) {
        return name.startsWith(PREFIX) ? name : PREFIX + name;
    }

    /**
     * Returns whether a checkpoint tensor is a non-parameter buffer that loaders skip: the
     * per-layer causal mask {@code attn.bias} and {@code attn.masked_bias}.
     */
    public static boolean isIgnoredBuffer(String name) {
        return name.matches("(transformer\\.)?h\\.\\d+\\.attn\\.(bias|masked_bias)");
    }
}
