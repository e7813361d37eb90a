package io.tensorswarm.common.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import io.tensorswarm.common.TensorswarmException;
import java.util.Locale;

/**
 * Prepares DJL's PyTorch engine before first use and resolves {@code --device} values.
 *
 * <p>{@link #configure()} must run before any DJL class touches the engine: it turns on DJL's
 * offline mode (no downloads, no telemetry call to the EC2 metadata address) unless the user set it
 * explicitly. The native libtorch comes from the Maven-pinned jar on the class path.
 */
public final class TorchRuntime {
    private TorchRuntime() {}

    /** Sets DJL's offline mode and thread defaults unless already set by the user. */
    public static void configure() {
        setIfAbsent("ai.djl.offline", "true");
        setIfAbsent("OPT_OUT_TRACKING", "true");
        int cores = Runtime.getRuntime().availableProcessors();
        setIfAbsent("ai.djl.pytorch.num_threads", Integer.toString(cores));
        setIfAbsent("ai.djl.pytorch.num_interop_threads", "1");
    }

    private static void setIfAbsent(String key, String value) {
        if (System.getProperty(key) == null && System.getenv(key) == null) {
            System.setProperty(key, value);
        }
    }

    /**
     * Returns the device named by {@code spec}: {@code cpu}, {@code cuda} or {@code cuda:N}.
     *
     * @throws TensorswarmException when the spec is malformed or names a GPU this machine lacks
     */
    public static Device device(String spec) {
        String s = spec == null ? "cpu" : spec.trim().toLowerCase(Locale.ROOT);
        if (s.equals("cpu")) {
            return Device.cpu();
        }
        if (s.equals("cuda") || s.startsWith("cuda:") || s.equals("gpu") || s.startsWith("gpu:")) {
            int idx = 0;
            int colon = s.indexOf(':');
            if (colon >= 0) {
                try {
                    idx = Integer.parseInt(s.substring(colon + 1));
                } catch (NumberFormatException e) {
                    throw new TensorswarmException("bad --device " + spec + ": expected cpu, cuda or cuda:N");
                }
            }
            int gpus = Engine.getEngine("PyTorch").getGpuCount();
            if (idx < 0 || idx >= gpus) {
                throw new TensorswarmException(
                        "--device " + spec + " asked for GPU " + idx + " but PyTorch sees " + gpus
                                + " GPU(s); build with -Pcu124 and check that a CUDA 12.4+ runtime is installed");
            }
            return Device.gpu(idx);
        }
        throw new TensorswarmException("bad --device " + spec + ": expected cpu, cuda or cuda:N");
    }
}
