package io.tensorswarm.chain.subtensor;

import io.tensorswarm.chain.extrinsic.WaitFor;
import io.tensorswarm.chain.rpc.Endpoints;
import io.tensorswarm.chain.rpc.RpcSettings;
import java.time.Duration;
import java.util.Objects;

/**
 * How a {@link SubtensorClient} talks to the chain: the RPC settings, what extrinsic methods wait
 * for, the mortality period of signed extrinsics (64 blocks) and how long to wait for inclusion.
 */
public record SubtensorSettings(RpcSettings rpc, WaitFor waitFor, int mortalityPeriod, Duration inclusionTimeout) {
    /** The default mortality period in blocks. */
    public static final int DEFAULT_PERIOD = 64;

    /** Validates the values. */
    public SubtensorSettings {
        Objects.requireNonNull(rpc, "rpc");
        Objects.requireNonNull(waitFor, "waitFor");
        if (mortalityPeriod < 4 || mortalityPeriod > 2048) {
            throw new IllegalArgumentException("mortality period must be in [4, 2048], got " + mortalityPeriod);
        }
    }

    /**
     * Returns defaults for {@code --subtensor.network} / {@code --subtensor.chain_endpoint} (see
     * {@link Endpoints#resolve(String, String)}): wait for inclusion in a block, period 64, 2 minutes.
     */
    public static SubtensorSettings forNetwork(String network, String endpoint) {
        return of(Endpoints.resolve(network, endpoint));
    }

    /** Returns defaults for the WebSocket {@code url}. */
    public static SubtensorSettings of(String url) {
        return new SubtensorSettings(RpcSettings.of(url), WaitFor.IN_BLOCK, DEFAULT_PERIOD, Duration.ofMinutes(2));
    }

    /** Returns a copy that waits for {@code waitFor}. */
    public SubtensorSettings withWaitFor(WaitFor waitFor) {
        return new SubtensorSettings(rpc, waitFor, mortalityPeriod, inclusionTimeout);
    }
}
