package io.tensorswarm.orchestrator.roster;

/**
 * One hotkey's last heartbeat and when it was seen.
 *
 * @param hotkey SS58 address (format 42)
 * @param heartbeat the last heartbeat
 * @param firstSeenMillis when the first heartbeat arrived, Unix milliseconds
 * @param lastSeenMillis when the last heartbeat arrived, Unix milliseconds
 * @param heartbeats how many heartbeats arrived in total
 */
public record RosterEntry(String hotkey, Heartbeat heartbeat, long firstSeenMillis, long lastSeenMillis, long heartbeats) {
    public RosterEntry {
        if (hotkey == null || heartbeat == null) {
            throw new HeartbeatException("roster entry needs a hotkey and a heartbeat");
        }
    }
}
