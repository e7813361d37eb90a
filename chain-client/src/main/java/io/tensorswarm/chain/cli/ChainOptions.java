package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.ChainSettings;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/**
 * The chain flags: {@code --subtensor.network}, {@code --subtensor.chain_endpoint} (as in the
 * Python SDK; env {@code BT_SUBTENSOR_NETWORK}, {@code BT_SUBTENSOR_CHAIN_ENDPOINT}) and {@code
 * --local-chain.dir} (env {@code TS_LOCAL_CHAIN_DIR}). The environment is applied by {@link
 * #settings(UnaryOperator)}, so the precedence lives in one place ({@link ChainSettings#fromFlags}).
 */
public final class ChainOptions {
    @Option(
            names = "--subtensor.network",
            paramLabel = "<name>",
            description = "finney, test, archive, local, latent-lite or embedded (default: finney; env "
                    + "BT_SUBTENSOR_NETWORK).")
    String network;

    @Option(
            names = "--subtensor.chain_endpoint",
            paramLabel = "<url>",
            description = "Node URL (ws:// or wss://), or file:///dir for the embedded chain; wins over the "
                    + "network (env BT_SUBTENSOR_CHAIN_ENDPOINT).")
    String endpoint;

    @Option(
            names = "--local-chain.dir",
            paramLabel = "<dir>",
            description = "Folder of the embedded chain (default: work/chain; env TS_LOCAL_CHAIN_DIR).")
    Path localChainDir;

    /** Returns the settings these flags and {@code env} select. */
    public ChainSettings settings(UnaryOperator<String> env) {
        return ChainSettings.fromFlags(network, endpoint, localChainDir, env);
    }

    /** Returns whether {@code --subtensor.network} or {@code --subtensor.chain_endpoint} was given. */
    boolean namesANode() {
        return network != null || endpoint != null;
    }
}
