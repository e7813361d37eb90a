package io.tensorswarm.orchestrator.http;

import io.tensorswarm.orchestrator.roster.Heartbeat;
import java.util.List;

/**
 * The body of {@code GET /v1/roster}.
 *
 * @param netuid the subnet
 * @param block the metagraph's block
 * @param nowMillis the server's clock when answering, Unix milliseconds
 * @param entries one row per hotkey that sent a heartbeat, sorted by hotkey
 */
public record RosterView(int netuid, long block, long nowMillis, List<Row> entries) {
    public RosterView {
        entries = List.copyOf(entries);
    }

    /**
     * One hotkey.
     *
     * @param hotkey SS58 address
     * @param uid its uid in the metagraph, or null when no longer registered
     * @param validatorPermit whether it holds a validator permit now
     * @param heartbeat its last heartbeat
     * @param firstSeenMillis first heartbeat, Unix milliseconds
     * @param lastSeenMillis last heartbeat, Unix milliseconds
     * @param heartbeats heartbeats received in total
     */
    public record Row(String hotkey, Integer uid, boolean validatorPermit, Heartbeat heartbeat, long firstSeenMillis,
            long lastSeenMillis, long heartbeats) {}
}
