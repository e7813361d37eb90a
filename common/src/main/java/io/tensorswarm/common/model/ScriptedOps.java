package io.tensorswarm.common.model;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.engine.PtNDManager;
import ai.djl.pytorch.engine.PtSymbolBlock;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.ParameterStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The operations DJL cannot do itself, run as scripted TorchScript modules recorded by autograd
 * (written by {@code scripts/torchscript/make_modules.py} into {@code torchscript/*.pt}):
 *
 * <ul>
 *   <li>casts between F32 and BF16 ({@code precision-cast.pt}), so a BF16 copy of an F32 weight
 *       passes its gradient back to the weight in F32. DJL's PyTorch JNI maps no {@code DataType} to
 *       {@code torch.bfloat16} (asking aborts the process) and runs {@code toType} without gradients;
 *   <li>a softmax over the last axis in BF16 ({@code softmax-last.pt});
 *   <li>GPT-2's {@code gelu_new} as libtorch's one fused kernel, {@code gelu(x, approximate="tanh")}
 *       ({@code gelu-tanh.pt}): DJL's {@code gelu} is the exact erf form, and composing the tanh form
 *       from element-wise ops costs nine passes over the MLP activations each way.
 * </ul>
 *
 * <p>DJL reports the BF16 arrays a module returns as {@code DataType.UNKNOWN}; DJL operations that
 * pass their own data type to libtorch (softmax, log-softmax) must not be given them. Each module is
 * loaded once per device, the first time it is used, and kept for the life of the process.
 */
final class ScriptedOps {
    /** The scripted modules, each loaded once per device. */
    private enum Module {
        CAST("/torchscript/precision-cast.pt"),
        SOFTMAX("/torchscript/softmax-last.pt"),
        GELU_TANH("/torchscript/gelu-tanh.pt");

        private final String resource;
        private final Map<Device, Loaded> loaded = new ConcurrentHashMap<>();

        Module(String resource) {
            this.resource = resource;
        }
    }

    private record Loaded(NDManager manager, PtSymbolBlock block, ParameterStore store) {}

    private ScriptedOps() {}

    /** Returns {@code x} in BF16 when it is F32, in F32 otherwise; the result is in {@code x}'s manager. */
    static NDArray toggle(NDArray x) {
        return run(Module.CAST, x);
    }

    /**
     * Returns the softmax of {@code x} over its last axis in {@code x}'s own dtype (BF16 included, which
     * DJL's softmax cannot take; libtorch accumulates it in F32), recorded for backward.
     * ({@code scripts/torchscript/make_modules.py} writes the module.)
     */
    static NDArray softmaxLast(NDArray x) {
        return run(Module.SOFTMAX, x);
    }

    /**
     * Returns GPT-2's {@code gelu_new}, {@code 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))}, of
     * {@code x} in its own dtype, as libtorch's fused {@code gelu(approximate="tanh")}, recorded for backward.
     */
    static NDArray geluTanh(NDArray x) {
        return run(Module.GELU_TANH, x);
    }

    private static NDArray run(Module module, NDArray x) {
        Loaded m = module.loaded.computeIfAbsent(x.getDevice(), device -> load(module.resource, device));
        // DJL passes a named array (every model weight has its name) as a one-entry dict: pass an unnamed view.
        NDArray in = x.getName() == null ? x : x.reshape(x.getShape());
        NDArray out = m.block().forward(m.store(), new NDList(in), true).singletonOrThrow();
        out.attach(x.getManager());
        if (in != x) {
            in.close();
        }
        return out;
    }

    private static Loaded load(String resource, Device device) {
        // A process-lifetime manager: the module is tiny and used by every BF16 step on the device.
        NDManager manager = NDManager.newBaseManager(device);
        try (InputStream in = ScriptedOps.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + resource + " is missing from this build");
            }
            PtSymbolBlock block = JniUtils.loadModule((PtNDManager) manager, in, true, false);
            return new Loaded(manager, block, new ParameterStore(manager, false));
        } catch (IOException e) {
            manager.close();
            throw new UncheckedIOException("cannot read " + resource, e);
        }
    }
}
