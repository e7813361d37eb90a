package io.tensorswarm.orchestrator.http;

import io.tensorswarm.chain.auth.MetagraphCache;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.orchestrator.roster.Roster;
import io.tensorswarm.orchestrator.roster.RosterEntry;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** {@code GET /v1/roster} (signed, validators only): every hotkey's last heartbeat with its current uid. */
final class RosterEndpoint implements Endpoint {
    private final Roster roster;
    private final MetagraphCache metagraph;
    private final Clock clock;

    RosterEndpoint(Roster roster, MetagraphCache metagraph, Clock clock) {
        this.roster = roster;
        this.metagraph = metagraph;
        this.clock = clock;
    }

    @Override
    public Object handle(ApiRequest request) {
        request.admit();
        Metagraph mg = metagraph.current();
        List<RosterView.Row> rows = new ArrayList<>();
        for (RosterEntry e : roster.entries()) {
            Optional<Neuron> n = metagraph.neuron(e.hotkey());
            rows.add(new RosterView.Row(e.hotkey(), n.map(Neuron::uid).orElse(null),
                    n.map(Neuron::validatorPermit).orElse(false), e.heartbeat(), e.firstSeenMillis(),
                    e.lastSeenMillis(), e.heartbeats()));
        }
        return new RosterView(mg.netuid(), mg.block(), clock.millis(), rows);
    }
}
