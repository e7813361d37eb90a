package io.tensorswarm.common.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.internal.NDArrayEx;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.tensor.Shapes;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A decoder-only GPT with GPT-2's exact architecture, whose parameters are DJL NDArrays on one
 * device, named and shaped as Hugging Face {@code GPT2LMHeadModel} names them.
 *
 * <p>Architecture: token embedding {@code wte} plus learned positions {@code wpe}; {@code n_layer}
 * pre-LayerNorm blocks, each {@code x += c_proj(attn(ln_1(x)))} with a fused {@code c_attn}
 * projection, causal mask and scale {@code 1/sqrt(head_dim)}, then {@code x += c_proj(gelu_new(
 * c_fc(ln_2(x))))}; a final {@code ln_f}; and an LM head tied to {@code wte}. Conv1D weights are
 * {@code [in, out]}.
 *
 * <p>The model owns an {@link NDManager} holding its parameters and a few cached constants (the
 * causal mask of each sequence length seen, scalar constants); {@link #close()} frees them. Every
 * array a method returns belongs to the manager the caller passes or to the input's manager, never
 * to the model's. Instances are not safe for concurrent training; concurrent inference on distinct
 * managers is safe.
 *
 * <pre>{@code
 * try (GptModel model = GptModel.create(GptConfig.preset("tiny"), 42, Device.cpu());
 *         NDManager scope = NDManager.newBaseManager()) {
 *     NDArray logits = model.logits(scope, new int[][] {{72, 105}});   // (1, 2, 256)
 * }
 * }</pre>
 */
public final class GptModel implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(GptModel.class);

    private final GptConfig config;
    private final Device device;
    private final NDManager manager;
    private final GptParameterLayout layout;
    private final Map<String, NDArray> params;
    private final Map<Integer, NDArray> causalMasks = new ConcurrentHashMap<>();
    private final Map<Integer, NDArray> narrowMasks = new ConcurrentHashMap<>();
    private final Map<Float, NDArray> scalars = new ConcurrentHashMap<>();
    private final Block[] blocks;

    private record Block(
            NDArray ln1W, NDArray ln1B, NDArray attnW, NDArray attnB, NDArray attnProjW, NDArray attnProjB,
            NDArray ln2W, NDArray ln2B, NDArray fcW, NDArray fcB, NDArray mlpProjW, NDArray mlpProjB) {

        /** Returns this block's weights for {@code precision}: BF16 copies filed under {@code m}, or itself for F32. */
        Block in(Precision precision, NDManager m) {
            if (precision == Precision.FP32) {
                return this;
            }
            Precision p = precision;
            return new Block(cast(ln1W, p, m), cast(ln1B, p, m), cast(attnW, p, m), cast(attnB, p, m),
                    cast(attnProjW, p, m), cast(attnProjB, p, m), cast(ln2W, p, m), cast(ln2B, p, m),
                    cast(fcW, p, m), cast(fcB, p, m), cast(mlpProjW, p, m), cast(mlpProjB, p, m));
        }
    }

    private GptModel(GptConfig config, Device device, Function<GptParameterLayout.Spec, float[]> init) {
        this.config = Objects.requireNonNull(config, "config");
        this.device = device == null ? Device.cpu() : device;
        this.layout = new GptParameterLayout(config);
        this.manager = NDManager.newBaseManager(this.device);
        Map<String, NDArray> m = new LinkedHashMap<>();
        try {
            for (GptParameterLayout.Spec spec : layout.specs().values()) {
                NDArray a = manager.create(init.apply(spec), new Shape(spec.shape()));
                a.setName(spec.name());
                a.setRequiresGradient(true);
                m.put(spec.name(), a);
            }
        } catch (RuntimeException e) {
            manager.close();
            throw e;
        }
        this.params = Collections.unmodifiableMap(m);
        this.blocks = new Block[config.nLayer()];
        for (int i = 0; i < blocks.length; i++) {
            String h = GptParameterLayout.PREFIX + "h." + i + ".";
            blocks[i] = new Block(p(h + "ln_1.weight"), p(h + "ln_1.bias"), p(h + "attn.c_attn.weight"),
                    p(h + "attn.c_attn.bias"), p(h + "attn.c_proj.weight"), p(h + "attn.c_proj.bias"),
                    p(h + "ln_2.weight"), p(h + "ln_2.bias"), p(h + "mlp.c_fc.weight"), p(h + "mlp.c_fc.bias"),
                    p(h + "mlp.c_proj.weight"), p(h + "mlp.c_proj.bias"));
        }
    }

    private NDArray p(String name) {
        return params.get(name);
    }

    /**
     * Returns a new model with GPT-2 initialisation: weights normal(0, initializer_range), the two
     * residual projections per block scaled by {@code 1/sqrt(2 * n_layer)}, LayerNorm weights 1 and
     * all biases 0. The same seed gives bit-identical weights on every machine and device (values
     * are drawn on the host).
     */
    public static GptModel create(GptConfig config, long seed, Device device) {
        List<String> order = new GptParameterLayout(config).names();
        log.debug("creating GPT with {} parameters on {}", config.parameterCount(), device);
        // One tensor at a time, so the heap holds at most the largest tensor (wte).
        return new GptModel(config, device, spec -> {
            float[] values = new float[Math.toIntExact(Shapes.elementCount(spec.shape()))];
            if (spec.initStd() > 0) {
                SplittableRandom rnd = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + order.indexOf(spec.name()));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (rnd.nextGaussian() * spec.initStd());
                }
            } else if (spec.constant() != 0f) {
                Arrays.fill(values, spec.constant());
            }
            return values;
        });
    }

    /**
     * Returns a new model holding the given weights; see {@link #loadParameters(ParameterSet)} for
     * the names and dtypes accepted.
     *
     * @throws ModelWeightsException when the weights do not fit {@code config}
     */
    public static GptModel fromParameters(GptConfig config, ParameterSet weights, Device device) {
        Map<String, NamedTensor> init = new GptWeightsReader(new GptParameterLayout(config)).read(weights);
        return new GptModel(config, device, spec -> GptWeightsReader.floats(init.get(spec.name())));
    }

    public GptConfig config() {
        return config;
    }

    public Device device() {
        return device;
    }

    /**
     * Returns the live parameter arrays in Hugging Face order, keyed by prefixed name. Training
     * updates them in place; callers must not close them.
     */
    public Map<String, NDArray> parameterArrays() {
        return params;
    }

    /** Returns whether the named parameter takes weight decay: matrices yes, biases and LayerNorm no. */
    public boolean isDecayed(String name) {
        GptParameterLayout.Spec s = layout.specs().get(name);
        return s != null && s.decayed();
    }

    /** Returns a host copy of every parameter (F32, Hugging Face order and names, no metadata). */
    public ParameterSet parameters() {
        ParameterSet.Builder b = ParameterSet.builder();
        for (GptParameterLayout.Spec spec : layout.specs().values()) {
            b.add(NamedTensor.ofFloats(spec.name(), spec.shape(), params.get(spec.name()).toFloatArray()));
        }
        return b.build();
    }

    /**
     * A copy of every parameter kept on the model's device (not on the Java heap), taken before
     * training so that {@link #deltaFrom(Snapshot)} needs no host copy of the base. Close it to free it.
     */
    public static final class Snapshot implements AutoCloseable {
        private final NDManager manager;
        private final Map<String, NDArray> copies;

        private Snapshot(NDManager manager, Map<String, NDArray> copies) {
            this.manager = manager;
            this.copies = copies;
        }

        @Override
        public void close() {
            manager.close();
        }
    }

    /** Returns a device-side copy of the current weights (one more model's worth of device memory). */
    public Snapshot snapshot() {
        NDManager m = manager.newSubManager(device);
        Map<String, NDArray> copies = new LinkedHashMap<>();
        try (GradMode.Guard ignored = GradMode.disabled()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray copy = e.getValue().duplicate();
                copy.attach(m);
                copies.put(e.getKey(), copy);
            }
        } catch (RuntimeException e) {
            m.close();
            throw e;
        }
        return new Snapshot(m, copies);
    }

    /**
     * Returns {@code parameters() - base} for a snapshot of this model, subtracted on the device one
     * tensor at a time: the host holds the delta and nothing else of the model, so the miner's delta
     * path (delta, then its encoding) never holds more than two full host copies of the weights.
     */
    public ParameterSet deltaFrom(Snapshot base) {
        ParameterSet.Builder b = ParameterSet.builder();
        try (GradMode.Guard ignored = GradMode.disabled()) {
            for (GptParameterLayout.Spec spec : layout.specs().values()) {
                NDArray before = base.copies.get(spec.name());
                if (before == null) {
                    throw new ModelWeightsException("snapshot has no tensor " + spec.name());
                }
                try (NDArray d = params.get(spec.name()).sub(before)) {
                    b.add(NamedTensor.ofFloats(spec.name(), spec.shape(), d.toFloatArray()));
                }
            }
        }
        return b.build();
    }

    /**
     * Puts the snapshot's weights back into the model, on the device (no host copy); the snapshot
     * stays usable. A miner does this to measure what it is about to send against the round's base.
     */
    public void restore(Snapshot base) {
        try (GradMode.Guard ignored = GradMode.disabled()) {
            for (Map.Entry<String, NDArray> e : params.entrySet()) {
                NDArray copy = base.copies.get(e.getKey());
                if (copy == null) {
                    throw new ModelWeightsException("snapshot has no tensor " + e.getKey());
                }
                NDArray fresh = copy.duplicate();
                fresh.setName(e.getValue().getName());
                fresh.setRequiresGradient(true);
                e.getValue().intern(fresh);
            }
        }
    }

    /**
     * Returns {@code parameters() - base}, one tensor at a time, without a host copy of all the
     * trained weights: the delta path then holds the base and the delta, not a third full copy.
     *
     * @throws ModelWeightsException when {@code base} does not have exactly this model's tensors and shapes
     */
    public ParameterSet deltaFrom(ParameterSet base) {
        if (base.size() != layout.specs().size()) {
            throw new ModelWeightsException("base has " + base.size() + " tensors, the model " + layout.specs().size());
        }
        ParameterSet.Builder b = ParameterSet.builder();
        for (GptParameterLayout.Spec spec : layout.specs().values()) {
            NamedTensor from = base.get(spec.name());
            if (from == null || !java.util.Arrays.equals(from.shape(), spec.shape())) {
                throw new ModelWeightsException("base tensor " + spec.name() + " is missing or mis-shaped");
            }
            float[] trained = params.get(spec.name()).toFloatArray();
            float[] before = from.toFloats();
            for (int i = 0; i < trained.length; i++) {
                trained[i] -= before[i];
            }
            b.add(NamedTensor.ofFloats(spec.name(), spec.shape(), trained));
        }
        return b.build();
    }

    /**
     * Overwrites every parameter in place with {@code weights}. Accepts {@code transformer.}-prefixed
     * names and the bare names of the original Hub checkpoint, ignores the {@code attn.bias} and
     * {@code attn.masked_bias} buffers and an {@code lm_head.weight} equal to {@code wte}, and widens
     * F16, BF16 (and narrows F64) to F32. Nothing is changed unless every tensor fits.
     *
     * @throws ModelWeightsException naming the first tensor that is missing, unexpected,
     *     mis-shaped, not floating-point, or an untied {@code lm_head.weight}
     */
    public void loadParameters(ParameterSet weights) {
        loadParameters(weights, UnaryOperator.identity());
    }

    /**
     * Overwrites every parameter in place with {@code transform} applied to the matching tensor of
     * {@code weights}, one tensor at a time: the averager loads {@code base + Σ α_i δ_i} this way
     * without a host copy of the mixed weights. {@code weights} is checked as by {@link
     * #loadParameters(ParameterSet)} before anything changes; {@code transform} receives each
     * tensor as given (its own name and dtype) and must return one of the same shape.
     *
     * @throws ModelWeightsException when {@code weights} does not fit the model (nothing changed), or
     *     a transformed tensor has another shape or is not floating-point (the tensors before it are
     *     loaded)
     */
    public void loadParameters(ParameterSet weights, UnaryOperator<NamedTensor> transform) {
        Map<String, NamedTensor> tensors = new GptWeightsReader(layout).read(weights);
        for (Map.Entry<String, NamedTensor> e : tensors.entrySet()) {
            NamedTensor value = transform.apply(e.getValue());
            GptWeightsReader.checkShape(value, layout.specs().get(e.getKey()).shape());
            NDArray param = params.get(e.getKey());
            // Swap in a fresh native tensor rather than NDArray.set: set copies under libtorch's
            // deprecated AutoNonVariableTypeMode and prints a warning on every process start.
            // create() may alias a direct buffer that only the temporary keeps alive, so the tensor
            // that is swapped in must be an owned copy (duplicate) before the temporary is closed.
            NDArray fresh;
            try (NDArray staged = manager.create(FloatBuffer.wrap(GptWeightsReader.floats(value)), param.getShape())) {
                fresh = staged.duplicate();
            }
            fresh.setName(param.getName());
            fresh.setRequiresGradient(true);
            param.intern(fresh);
        }
    }

    /**
     * Returns next-token logits {@code (B, T, vocab)} for rectangular token rows, attached to
     * {@code scope}. Ids of -1 (padding) are fed as token 0. Runs without recording gradients.
     *
     * @throws IllegalArgumentException when rows are empty, ragged, longer than n_positions, or
     *     hold ids outside [-1, vocab)
     */
    public NDArray logits(NDManager scope, int[][] tokens) {
        return logits(scope, tokens, Precision.FP32);
    }

    /** As {@link #logits(NDManager, int[][])}, computing in {@code precision}; the logits are F32. */
    public NDArray logits(NDManager scope, int[][] tokens, Precision precision) {
        int b = tokens.length;
        if (b == 0 || tokens[0].length == 0) {
            throw new IllegalArgumentException("logits needs at least one non-empty row");
        }
        int t = tokens[0].length;
        long[] ids = new long[b * t];
        for (int i = 0; i < b; i++) {
            if (tokens[i].length != t) {
                throw new IllegalArgumentException("row " + i + " has " + tokens[i].length + " tokens, row 0 has " + t);
            }
            for (int j = 0; j < t; j++) {
                int id = tokens[i][j];
                if (id < -1 || id >= config.vocabSize()) {
                    throw new IllegalArgumentException("token id " + id + " outside [-1, " + config.vocabSize() + ")");
                }
                ids[i * t + j] = Math.max(id, 0);
            }
        }
        try (NDManager step = scope.newSubManager(device);
                GradMode.Guard ignored = GradMode.disabled()) {
            NDArray out = forward(step.create(ids, new Shape(b, t)), false, precision);
            out.attach(scope);
            return out;
        }
    }

    /**
     * Runs the model on {@code (B, T)} int64 token ids (no -1: callers map padding to 0) and returns
     * logits {@code (B, T, vocab)} in the ids' manager, as are all temporaries. Records gradients
     * when called inside a gradient collector; {@code training} turns dropout on.
     *
     * @throws IllegalArgumentException when T exceeds n_positions
     */
    public NDArray forward(NDArray ids, boolean training) {
        return forward(ids, training, Precision.FP32);
    }

    /**
     * As {@link #forward(NDArray, boolean)}, computing in {@code precision}. With {@link Precision#BF16}
     * every weight is cast to BF16 for the step (the cast is recorded, so gradients reach the F32
     * master weights in F32), activations are BF16, and the logits come back as F32 so the loss and
     * its softmax are taken in F32.
     */
    public NDArray forward(NDArray ids, boolean training, Precision precision) {
        NDManager m = ids.getManager();
        Shape s = ids.getShape();
        long b = s.get(0);
        long t = s.get(1);
        if (t > config.nPositions() || t < 1) {
            throw new IllegalArgumentException("sequence length " + t + " outside [1, " + config.nPositions() + "]");
        }
        int d = config.nEmbd();
        int heads = config.nHead();
        // The tied embedding is cast once: its gradient sums the embedding's and the head's.
        NDArray wte = cast(p(GptParameterLayout.PREFIX + "wte.weight"), precision, m);
        NDArray wpe = p(GptParameterLayout.PREFIX + "wpe.weight");
        NDArray x = ids.getNDArrayInternal().embedding(ids, wte, SparseFormat.DENSE).singletonOrThrow();
        NDArray pos = cast(scoped(wpe.get(new NDIndex("0:{}", t)), m), precision, m);
        x = dropout(x.add(pos), config.embdPdrop(), training);
        NDArray mask = precision == Precision.FP32 ? causalMask((int) t) : narrowMask((int) t);
        NDArray scale = scalar((float) (1.0 / Math.sqrt(config.headDim())));
        for (Block blk : blocks) {
            // Each layer runs in its own scope, which takes the layer's input and every temporary along: only
            // the output survives it. libtorch's autograd keeps what backward needs by itself, so this holds
            // for training too; without it, every temporary of every layer lived until the step ended.
            try (NDManager layer = m.newSubManager()) {
                x.attach(layer);
                x = block(blk.in(precision, layer), x, mask, scale, b, t, d, heads, training);
                x.attach(m);
            }
        }
        x = layerNorm(x, cast(p(GptParameterLayout.PREFIX + "ln_f.weight"), precision, m),
                cast(p(GptParameterLayout.PREFIX + "ln_f.bias"), precision, m));
        NDArray logits = x.matMul(scoped(wte.transpose(), m));
        if (precision == Precision.FP32) {
            return logits;
        }
        // The cast's backward needs nothing saved, so the BF16 logits can go at once.
        NDArray wide = ScriptedOps.toggle(logits);
        logits.close();
        return wide;
    }

    /** One transformer block on {@code x}; every array it makes lands in {@code x}'s manager. */
    private NDArray block(Block blk, NDArray x, NDArray mask, NDArray scale, long b, long t, int d, int heads,
            boolean training) {
        NDArray h = layerNorm(x, blk.ln1W(), blk.ln1B());
        NDArray qkv = conv1d(h, blk.attnW(), blk.attnB())
                .reshape(b, t, 3, heads, config.headDim())
                .transpose(2, 0, 3, 1, 4); // (3, B, H, T, hd)
        NDArray q = qkv.get(0).mul(scale);
        NDArray k = qkv.get(1);
        NDArray v = qkv.get(2);
        NDArray att = softmax(q.matMul(k.transpose(0, 1, 3, 2)), mask);
        att = dropout(att, config.attnPdrop(), training);
        NDArray y = att.matMul(v).transpose(0, 2, 1, 3).reshape(b, t, d);
        y = dropout(conv1d(y, blk.attnProjW(), blk.attnProjB()), config.residPdrop(), training);
        x = x.add(y);
        h = layerNorm(x, blk.ln2W(), blk.ln2B());
        h = geluNew(conv1d(h, blk.fcW(), blk.fcB()));
        h = dropout(conv1d(h, blk.mlpProjW(), blk.mlpProjB()), config.residPdrop(), training);
        return x.add(h);
    }

    /** Moves an array created by an op on a parameter (which DJL files under the model) into {@code m}. */
    private static NDArray scoped(NDArray a, NDManager m) {
        a.attach(m);
        return a;
    }

    /** Returns the F32 {@code a} for {@code precision}: itself for F32, a recorded BF16 copy filed under {@code m}. */
    private static NDArray cast(NDArray a, Precision precision, NDManager m) {
        if (precision == Precision.FP32) {
            return a;
        }
        return scoped(ScriptedOps.toggle(a), m);
    }

    /**
     * Returns the masked softmax of attention scores over the last axis, in the scores' dtype (the mask
     * is in the same dtype). BF16 scores take libtorch's BF16 softmax (which accumulates in F32) through
     * {@link ScriptedOps#softmaxLast}: the probabilities autograd keeps stay BF16.
     */
    private NDArray softmax(NDArray scores, NDArray mask) {
        if (scores.getDataType() == DataType.FLOAT32) {
            return scores.add(mask).softmax(-1);
        }
        return ScriptedOps.softmaxLast(scores.add(mask));
    }

    /** Returns the BF16 copy of the causal mask of length {@code t}, made once. */
    private NDArray narrowMask(int t) {
        NDArray wide = causalMask(t); // outside the lambda: a map must not be updated inside its own computeIfAbsent
        return narrowMasks.computeIfAbsent(t, len -> ScriptedOps.toggle(wide));
    }

    /** Returns {@code x @ w + b} for a Conv1D weight {@code w [in, out]}, as one fused addmm. */
    private static NDArray conv1d(NDArray x, NDArray w, NDArray bias) {
        NDArray wt = scoped(w.transpose(), x.getManager());
        return x.getNDArrayInternal().linear(x, wt, bias).singletonOrThrow();
    }

    private NDArray layerNorm(NDArray x, NDArray w, NDArray bias) {
        NDArrayEx ex = x.getNDArrayInternal();
        return ex.layerNorm(x, new Shape(config.nEmbd()), w, bias, (float) config.layerNormEpsilon()).singletonOrThrow();
    }

    private static NDArray dropout(NDArray x, double p, boolean training) {
        if (!training || p <= 0) {
            return x;
        }
        return x.getNDArrayInternal().dropout(x, (float) p, true).singletonOrThrow();
    }

    /** GPT-2's gelu_new, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, as one fused libtorch op. */
    private static NDArray geluNew(NDArray x) {
        return ScriptedOps.geluTanh(x);
    }

    /** Returns the cached additive causal mask {@code (T, T)}: 0 on and below the diagonal, -inf above. */
    NDArray causalMask(int t) {
        return causalMasks.computeIfAbsent(t, len -> {
            float[] m = new float[len * len];
            for (int i = 0; i < len; i++) {
                for (int j = i + 1; j < len; j++) {
                    m[i * len + j] = Float.NEGATIVE_INFINITY;
                }
            }
            return manager.create(m, new Shape(len, len));
        });
    }

    /** Returns a cached 0-d float constant on the model's device (avoids a host copy per op). */
    NDArray scalar(float value) {
        return scalars.computeIfAbsent(value, v -> manager.create(v));
    }

    /** Returns the number of arrays the model's manager holds (parameters plus cached constants). */
    public int managedArrayCount() {
        return ((ai.djl.ndarray.BaseNDManager) manager).getManagedArrays().size();
    }

    /** Frees the parameters and cached constants. */
    @Override
    public void close() {
        manager.close();
    }
}
