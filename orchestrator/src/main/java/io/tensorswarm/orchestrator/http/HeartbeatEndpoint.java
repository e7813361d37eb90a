package io.tensorswarm.orchestrator.http;

import io.tensorswarm.orchestrator.ops.OrchestratorMetrics;
import io.tensorswarm.orchestrator.roster.Heartbeat;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.roster.RosterEntry;

/**
 * {@code POST /v1/heartbeat} (signed, registered hotkeys): validates the heartbeat (before the
 * signature is verified too, so malformed bodies cost no verification), admits the request (its
 * nonce is remembered only now), records it and returns the caller's roster entry.
 */
final class HeartbeatEndpoint implements Endpoint {
    private final Roster roster;
    private final OrchestratorMetrics metrics;

    HeartbeatEndpoint(Roster roster, OrchestratorMetrics metrics) {
        this.roster = roster;
        this.metrics = metrics;
    }

    /** Refuses a body that is no heartbeat before the signature is verified. */
    @Override
    public void precheck(ApiRequest unsigned) {
        Heartbeat.fromJson(Json.parse(unsigned.body()));
    }

    @Override
    public Object handle(ApiRequest request) {
        Heartbeat heartbeat = Heartbeat.fromJson(Json.parse(request.body()));
        request.admit();
        RosterEntry entry = roster.record(request.caller(), heartbeat);
        metrics.heartbeat(heartbeat.role(), roster.size());
        return entry;
    }
}
