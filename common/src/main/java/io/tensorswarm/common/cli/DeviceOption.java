package io.tensorswarm.common.cli;

import ai.djl.Device;
import io.tensorswarm.common.model.TorchRuntime;
import picocli.CommandLine.Option;

/** The {@code --device cpu|cuda|cuda:N} option. */
public final class DeviceOption {
    @Option(
            names = "--device",
            defaultValue = "${env:TS_DEVICE:-cpu}",
            paramLabel = "<device>",
            description = "cpu, cuda or cuda:N (default: ${DEFAULT-VALUE}; env TS_DEVICE; GPUs need a -Pcu124 build).")
    String device;

    /** Returns the chosen device, failing fast when a requested GPU is missing. */
    public Device resolve() {
        return TorchRuntime.device(device);
    }
}
