package io.tensorswarm.common.model;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks a checkpoint against a {@link GptParameterLayout} and returns its tensors keyed by
 * canonical name, in layout order, without converting them: callers widen one tensor at a time
 * ({@link #floats}), so loading a model never holds a second host copy of all its weights.
 */
final class GptWeightsReader {
    private static final String LM_HEAD = "lm_head.weight";
    private final GptParameterLayout layout;

    GptWeightsReader(GptParameterLayout layout) {
        this.layout = layout;
    }

    /**
     * Returns every parameter's tensor, checked for name, shape and a floating-point dtype.
     *
     * @throws ModelWeightsException naming the first tensor at fault
     */
    Map<String, NamedTensor> read(ParameterSet weights) {
        Map<String, NamedTensor> found = new LinkedHashMap<>();
        NamedTensor lmHead = null;
        for (NamedTensor t : weights) {
            String name = t.name();
            if (GptParameterLayout.isIgnoredBuffer(name)) {
                continue;
            }
            if (name.equals(LM_HEAD)) {
                lmHead = t;
                continue;
            }
            String canonical = GptParameterLayout.canonicalName(name);
            GptParameterLayout.Spec spec = layout.specs().get(canonical);
            if (spec == null) {
                throw new ModelWeightsException("unexpected tensor " + name + " for this model config");
            }
            if (found.put(canonical, t) != null) {
                throw new ModelWeightsException("tensor " + canonical + " appears twice (prefixed and bare name)");
            }
            checkShape(t, spec.shape());
        }
        Map<String, NamedTensor> out = new LinkedHashMap<>();
        for (GptParameterLayout.Spec spec : layout.specs().values()) {
            NamedTensor t = found.get(spec.name());
            if (t == null) {
                throw new ModelWeightsException("missing tensor " + spec.name() + " " + Arrays.toString(spec.shape()));
            }
            out.put(spec.name(), t);
        }
        if (lmHead != null) {
            String wte = GptParameterLayout.PREFIX + "wte.weight";
            checkShape(lmHead, layout.specs().get(wte).shape());
            if (!Arrays.equals(floats(lmHead), floats(out.get(wte)))) {
                throw new ModelWeightsException(
                        "tensor lm_head.weight differs from " + wte + "; only tied LM heads are supported");
            }
        }
        return out;
    }

    static void checkShape(NamedTensor t, long[] expected) {
        if (!t.dtype().isFloatingPoint()) {
            throw new ModelWeightsException("tensor " + t.name() + " has dtype " + t.dtype() + ", expected a float type");
        }
        if (!Arrays.equals(t.shape(), expected)) {
            throw new ModelWeightsException("tensor " + t.name() + " has shape " + Arrays.toString(t.shape())
                    + ", expected " + Arrays.toString(expected));
        }
    }

    /** Returns the tensor's values as F32 (widened or narrowed as needed). */
    static float[] floats(NamedTensor t) {
        if (t.dtype() == DType.F32) {
            float[] v = new float[Math.toIntExact(t.elementCount())];
            t.data().asFloatBuffer().get(v);
            return v;
        }
        return t.toFloats();
    }
}
