package io.tensorswarm.orchestrator.http;

import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.orchestrator.round.AssignmentSource;
import io.tensorswarm.orchestrator.round.RoundTracker;

/**
 * {@code GET /v1/assignment?hotkey=<ss58>[&round=<r>]}: the pages assigned to a hotkey for a round
 * (default: the current one). The hotkey is normalized to SS58 format 42 before sampling.
 */
final class AssignmentEndpoint implements Endpoint {
    private final AssignmentSource assignments;
    private final RoundTracker rounds;

    /** {@code assignments} may be null: every request then gets 503. */
    AssignmentEndpoint(AssignmentSource assignments, RoundTracker rounds) {
        this.assignments = assignments;
        this.rounds = rounds;
    }

    @Override
    public Object handle(ApiRequest request) {
        String hotkeyText = request.param("hotkey").orElseThrow(() -> ApiException.badRequest("missing query parameter hotkey"));
        String hotkey;
        try {
            hotkey = Ss58Address.encode(Ss58Address.decode(hotkeyText).publicKey(), Ss58Address.BITTENSOR_FORMAT);
        } catch (CryptoException | IllegalArgumentException e) {
            throw ApiException.badRequest("hotkey is not an SS58 address");
        }
        long round;
        String roundText = request.param("round").orElse(null);
        if (roundText == null) {
            round = rounds.currentRound();
        } else {
            try {
                round = Long.parseLong(roundText);
            } catch (NumberFormatException e) {
                throw ApiException.badRequest("round must be a non-negative integer");
            }
            if (round < 0) {
                throw ApiException.badRequest("round must be a non-negative integer");
            }
        }
        if (assignments == null) {
            throw new ApiException(503, "no dataset is configured for assignments: start the orchestrator with --data "
                    + "(and --base.location), or --assign.fingerprint and --assign.page-count");
        }
        return assignments.assignment(round, hotkey);
    }
}
