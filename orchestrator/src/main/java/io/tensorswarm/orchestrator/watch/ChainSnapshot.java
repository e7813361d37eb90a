package io.tensorswarm.orchestrator.watch;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Metagraph;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.ProtocolException;
import java.util.HashMap;
import java.util.Map;

/**
 * The subnet as the chain showed it at one block: the metagraph and each hotkey's latest
 * commitment (decoded to the round it names when it is a well-formed {@link CommitmentPayload}).
 *
 * @param block the chain's best block when read
 * @param metagraph the subnet's neurons
 * @param commits hotkey (SS58) to its latest commitment
 */
public record ChainSnapshot(long block, Metagraph metagraph, Map<String, Commit> commits) {
    public ChainSnapshot {
        commits = Map.copyOf(commits);
    }

    /**
     * A hotkey's latest commitment.
     *
     * @param block the block it was set in
     * @param round the round its payload names, or null when the payload is not a delta commitment
     */
    public record Commit(long block, Long round) {}

    /**
     * Reads the subnet's metagraph and commitments.
     *
     * @throws io.tensorswarm.chain.ChainException when the chain cannot be read
     */
    public static ChainSnapshot read(Chain chain, int netuid) {
        long block = chain.currentBlock();
        Metagraph mg = chain.metagraph(netuid);
        Map<String, Commit> commits = new HashMap<>();
        for (Commitment c : chain.commitments(netuid)) {
            Long round;
            try {
                round = CommitmentPayload.parse(c.data()).round();
            } catch (ProtocolException | IllegalArgumentException e) {
                round = null; // not a delta commitment (CommitmentException is a ProtocolException)
            }
            commits.put(c.hotkey(), new Commit(c.block(), round));
        }
        return new ChainSnapshot(block, mg, commits);
    }
}
