package io.tensorswarm.orchestrator.http;

import io.tensorswarm.orchestrator.roster.Heartbeat;
import io.tensorswarm.orchestrator.roster.Roster;

/** {@code POST /v1/heartbeat} (signed, registered hotkeys): records the caller's heartbeat and returns its roster entry. */
final class HeartbeatEndpoint implements Endpoint {
    private final Roster roster;

    HeartbeatEndpoint(Roster roster) {
        this.roster = roster;
    }

    @Override
    public Object handle(ApiRequest request) {
        Heartbeat heartbeat = Heartbeat.fromJson(Json.parse(request.body()));
        return roster.record(request.caller(), heartbeat);
    }
}
