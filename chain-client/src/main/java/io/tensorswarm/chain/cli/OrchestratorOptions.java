package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.auth.HeartbeatReporter;
import io.tensorswarm.chain.auth.OrchestratorClient;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.ops.DaemonMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/**
 * {@code --orchestrator.url} of the daemons that report to the subnet's orchestrator (miner, validator):
 * the signed client and the heartbeat reporter built from it.
 */
public final class OrchestratorOptions {
    private static final Logger log = LoggerFactory.getLogger(OrchestratorOptions.class);

    @Option(names = "--orchestrator.url", defaultValue = "${env:TS_ORCHESTRATOR_URL}", paramLabel = "<url>",
            description = "The subnet orchestrator's API, http://host:port/: signed heartbeats with this daemon's "
                    + "round stats go there at start, after each round and every 30 s while waiting or working (a call "
                    + "times out after 5 s and never stops a round); unset = off (env TS_ORCHESTRATOR_URL).")
    String url;

    /**
     * Returns the client of {@code --orchestrator.url}, or null when it is unset or blank.
     *
     * @throws ExitException with {@link ExitCodes#USAGE} for a URL that is not http(s)
     */
    public OrchestratorClient client(Sr25519KeyPair hotkey, int netuid) {
        return client(url, hotkey, netuid);
    }

    /** As {@link #client(Sr25519KeyPair, int)}, for a URL given directly. */
    public static OrchestratorClient client(String url, Sr25519KeyPair hotkey, int netuid) {
        if (url == null || url.isBlank()) {
            return null;
        }
        try {
            return new OrchestratorClient(url, hotkey, netuid);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--orchestrator.url: " + e.getMessage());
        }
    }

    /** Heartbeats to {@code orchestrator} every 30 s, failures counted as {@code orchestrator} errors; off when null. */
    public static HeartbeatReporter heartbeats(OrchestratorClient orchestrator, DaemonMetrics metrics) {
        if (orchestrator == null) {
            return HeartbeatReporter.off();
        }
        log.info("heartbeats go to {} (every {} s while waiting)", orchestrator.shownUrl(),
                HeartbeatReporter.DEFAULT_INTERVAL.toSeconds());
        return new HeartbeatReporter(orchestrator, HeartbeatReporter.DEFAULT_INTERVAL, HeartbeatReporter::monotonicMillis,
                () -> metrics.error("orchestrator"));
    }
}
