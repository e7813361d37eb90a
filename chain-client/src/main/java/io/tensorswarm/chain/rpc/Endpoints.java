package io.tensorswarm.chain.rpc;

import io.tensorswarm.chain.ChainException;
import java.util.Locale;
import java.util.Map;

/**
 * Resolves {@code --subtensor.network} and {@code --subtensor.chain_endpoint} to a WebSocket URL
 * the way the Python SDK does: an explicit endpoint wins; otherwise a known network name maps to
 * its URL ({@code local} honours {@code BT_SUBTENSOR_CHAIN_ENDPOINT}); a network given as a URL is
 * used as is. An endpoint without a scheme gets {@code wss://} on port 443 and {@code ws://}
 * otherwise.
 *
 * <pre>{@code
 * String url = Endpoints.resolve("test", null); // wss://test.finney.opentensor.ai:443
 * }</pre>
 */
public final class Endpoints {
    /** Mainnet, the SDK's default network. */
    public static final String FINNEY = "wss://entrypoint-finney.opentensor.ai:443";
    /** The public testnet. */
    public static final String TEST = "wss://test.finney.opentensor.ai:443";
    /** The archive node. */
    public static final String ARCHIVE = "wss://archive.chain.opentensor.ai:443";
    /** A node on this machine. */
    public static final String LOCAL = "ws://127.0.0.1:9944";
    /** Latent's lite node. */
    public static final String LATENT_LITE = "wss://lite.sub.latent.to:443";
    /** The environment variable that overrides the {@code local} URL. */
    public static final String LOCAL_ENV = "BT_SUBTENSOR_CHAIN_ENDPOINT";

    private static final Map<String, String> NETWORKS = Map.of(
            "finney", FINNEY, "test", TEST, "archive", ARCHIVE, "local", LOCAL, "latent-lite", LATENT_LITE);

    private Endpoints() {}

    /** Returns {@link #resolve(String, String, Map)} with the process environment. */
    public static String resolve(String network, String endpoint) {
        return resolve(network, endpoint, System.getenv());
    }

    /**
     * Returns the URL to connect to for {@code network} (null or blank means {@code finney}) and
     * {@code endpoint} (null or blank means "from the network").
     *
     * @throws ChainException naming the valid networks when {@code network} is unknown
     */
    public static String resolve(String network, String endpoint, Map<String, String> env) {
        if (endpoint != null && !endpoint.isBlank()) {
            return withScheme(endpoint.strip());
        }
        String name = network == null || network.isBlank() ? "finney" : network.strip();
        if (name.contains("://")) {
            return name;
        }
        String key = name.toLowerCase(Locale.ROOT);
        if (key.equals("local")) {
            String override = env.get(LOCAL_ENV);
            return override == null || override.isBlank() ? LOCAL : withScheme(override.strip());
        }
        String url = NETWORKS.get(key);
        if (url == null) {
            throw new ChainException("unknown --subtensor.network '" + name
                    + "': use finney, test, archive, local or latent-lite, or give --subtensor.chain_endpoint");
        }
        return url;
    }

    private static String withScheme(String endpoint) {
        if (endpoint.contains("://")) {
            return endpoint;
        }
        return (endpoint.endsWith(":443") ? "wss://" : "ws://") + endpoint;
    }
}
