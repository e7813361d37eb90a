package io.tensorswarm.chain;

import io.tensorswarm.chain.rpc.Endpoints;
import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * Which chain to open: a subtensor node named by {@code network} / {@code endpoint} as the Python
 * SDK names it, or the embedded {@link io.tensorswarm.chain.local.LocalChain} when the network is
 * {@value #EMBEDDED} or the endpoint is a {@code file:} URL.
 *
 * <p>Either value may be null; the endpoint wins over the network. {@code localChainDir} is where
 * the embedded chain lives when neither names a {@code file:} URL.
 *
 * <pre>{@code
 * ChainSettings.fromFlags(null, null, null, System::getenv);          // finney, or what BT_SUBTENSOR_* say
 * ChainSettings.fromFlags("embedded", null, Path.of("work/chain"), System::getenv);
 * }</pre>
 */
public record ChainSettings(String network, String endpoint, Path localChainDir) {
    /** The network name that selects the embedded local chain. */
    public static final String EMBEDDED = "embedded";
    /** The environment variable naming the default network. */
    public static final String NETWORK_ENV = "BT_SUBTENSOR_NETWORK";
    /** The environment variable naming the default endpoint. */
    public static final String ENDPOINT_ENV = "BT_SUBTENSOR_CHAIN_ENDPOINT";
    /** The environment variable naming the embedded chain's folder. */
    public static final String LOCAL_DIR_ENV = "TS_LOCAL_CHAIN_DIR";
    /** The embedded chain's folder when neither the flag nor {@value #LOCAL_DIR_ENV} names one. */
    public static final Path DEFAULT_LOCAL_DIR = Path.of("work", "chain");

    /** Normalizes blanks to null and fills the default local folder. */
    public ChainSettings {
        network = blankToNull(network);
        endpoint = blankToNull(endpoint);
        localChainDir = localChainDir == null ? DEFAULT_LOCAL_DIR : localChainDir;
    }

    /**
     * Returns the settings the command-line flags and the environment select, with the SDK's
     * precedence: an explicit endpoint, then an explicit network, then {@value #ENDPOINT_ENV},
     * then {@value #NETWORK_ENV}, then {@code finney}. Null flags mean "not given".
     */
    public static ChainSettings fromFlags(String network, String endpoint, Path localChainDir, UnaryOperator<String> env) {
        Path dir = localChainDir;
        if (dir == null && blankToNull(env.apply(LOCAL_DIR_ENV)) != null) {
            dir = Path.of(env.apply(LOCAL_DIR_ENV).strip());
        }
        if (blankToNull(endpoint) != null) {
            return new ChainSettings(null, endpoint, dir);
        }
        if (blankToNull(network) != null) {
            return new ChainSettings(network, null, dir);
        }
        if (blankToNull(env.apply(ENDPOINT_ENV)) != null) {
            return new ChainSettings(null, env.apply(ENDPOINT_ENV), dir);
        }
        return new ChainSettings(env.apply(NETWORK_ENV), null, dir);
    }

    /** Returns the embedded chain in {@code dir}. */
    public static ChainSettings embedded(Path dir) {
        return new ChainSettings(EMBEDDED, null, dir);
    }

    /** Returns whether these settings select the embedded local chain. */
    public boolean isEmbedded() {
        if (endpoint != null) {
            return isFileUrl(endpoint);
        }
        return network != null && (network.equalsIgnoreCase(EMBEDDED) || isFileUrl(network));
    }

    /**
     * Returns the embedded chain's folder: the path of a {@code file:} endpoint (or network), else
     * {@link #localChainDir()}.
     */
    public Path embeddedDirectory() {
        String fileUrl = endpoint != null && isFileUrl(endpoint) ? endpoint
                : network != null && isFileUrl(network) ? network : null;
        if (fileUrl == null) {
            return localChainDir;
        }
        try {
            return Path.of(URI.create(fileUrl));
        } catch (IllegalArgumentException e) {
            throw new ChainException("cannot read a folder from '" + fileUrl + "': use file:///absolute/path");
        }
    }

    /**
     * Returns the WebSocket URL of the node (see {@link Endpoints#resolve(String, String)}).
     *
     * @throws ChainException when the settings select the embedded chain or an unknown network
     */
    public String url() {
        if (isEmbedded()) {
            throw new ChainException("the embedded chain in " + embeddedDirectory() + " has no URL");
        }
        return Endpoints.resolve(network, endpoint);
    }

    /** Returns a one-line description: the URL, or "embedded chain in DIR". */
    public String describe() {
        return isEmbedded() ? "embedded chain in " + embeddedDirectory() : url();
    }

    private static boolean isFileUrl(String value) {
        return value.strip().toLowerCase(Locale.ROOT).startsWith("file:");
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
