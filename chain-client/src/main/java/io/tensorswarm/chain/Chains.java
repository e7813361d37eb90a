package io.tensorswarm.chain;

import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import io.tensorswarm.chain.subtensor.SubtensorSettings;
import java.nio.file.Path;

/**
 * Opens the {@link Chain} that {@link ChainSettings} select: a {@link SubtensorClient} for a
 * network or WebSocket endpoint, or the embedded {@link LocalChain} for {@code embedded} / {@code
 * file:} endpoints. The embedded chain must exist already ({@code chain local-init} creates it), so
 * a mistyped folder fails instead of starting an empty chain.
 *
 * <pre>{@code
 * try (Chain chain = Chains.connect(ChainSettings.fromFlags(network, endpoint, dir, System::getenv))) {
 *     Metagraph mg = chain.metagraph(netuid);
 * }
 * }</pre>
 */
public final class Chains {
    private Chains() {}

    /** Returns {@link #connect(ChainSettings, Time)} with the system clock. */
    public static Chain connect(ChainSettings settings) {
        return connect(settings, Time.SYSTEM);
    }

    /**
     * Opens the chain; {@code localTime} is the clock of an embedded chain (tests pass a
     * {@link io.tensorswarm.chain.local.MockTime}) and is ignored for a node.
     *
     * @throws ChainException with a one-line message naming the URL or folder when the node cannot
     *     be reached, the network is unknown, or the folder holds no local chain
     */
    public static Chain connect(ChainSettings settings, Time localTime) {
        if (settings.isEmbedded()) {
            Path dir = settings.embeddedDirectory();
            if (!LocalChain.exists(dir)) {
                throw new ChainException("no local chain in " + dir + ": create it with 'chain local-init --local-chain.dir "
                        + dir + "'");
            }
            return LocalChain.builder().setDirectory(dir).optTime(localTime).build();
        }
        return SubtensorClient.connect(SubtensorSettings.of(settings.url()));
    }
}
