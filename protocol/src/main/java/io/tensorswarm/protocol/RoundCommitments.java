package io.tensorswarm.protocol;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.common.TensorswarmException;
import io.tensorswarm.common.protocol.CommitmentPayload;
import io.tensorswarm.common.protocol.RoundClock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one rule for which commitments count in a round, used by the validator and the averager alike:
 * the subnet's commitments as the chain held them at {@link RoundClock#commitmentsBlock} (the last
 * block before the deadline, read by its hash), from registered hotkeys, parsing as a {@link
 * CommitmentPayload} for the round, set inside the round's submission window. Reading at a fixed
 * block makes two readers agree however late either reads: a miner that has since committed for the
 * next round still counts for this one. Earliest first (block, then hotkey).
 *
 * <pre>{@code
 * if (RoundCommitments.isFinal(chain, clock, round)) {
 *     List<RoundCommitments.Counted> counted = RoundCommitments.read(chain, netuid, clock, round, uids);
 * }
 * }</pre>
 */
public final class RoundCommitments {
    private static final Logger log = LoggerFactory.getLogger(RoundCommitments.class);

    private RoundCommitments() {}

    /** A commitment that counts: the miner, its uid, the block it was set in and the payload. */
    public record Counted(String hotkey, int uid, long block, CommitmentPayload payload) {}

    /**
     * Returns whether round {@code round}'s commitments can be read for good: the chain has finalized
     * the block they are read at, and the round's deltas are readable (the upload window has closed).
     */
    public static boolean isReady(Chain chain, RoundClock clock, long round) {
        return chain.currentBlock() >= clock.readableBlock(round)
                && chain.finalizedBlock() >= clock.commitmentsBlock(round);
    }

    /**
     * Returns the counted commitments of {@code round}, earliest first.
     *
     * @param uids registered hotkeys and their uids; other hotkeys' commitments do not count
     */
    public static List<Counted> read(Chain chain, int netuid, RoundClock clock, long round, Map<String, Integer> uids) {
        List<Counted> out = new ArrayList<>();
        long at = clock.commitmentsBlock(round);
        List<Commitment> onChain = chain.commitmentsAt(netuid, at);
        int unregistered = 0;
        int outside = 0;
        int unparsable = 0;
        int otherRound = 0;
        for (Commitment c : onChain) {
            Integer uid = uids.get(c.hotkey());
            if (uid == null) {
                unregistered++;
                continue;
            }
            if (!clock.isInSubmissionWindow(round, c.block())) {
                outside++;
                continue;
            }
            CommitmentPayload payload;
            try {
                payload = CommitmentPayload.parse(c.data());
            } catch (TensorswarmException e) {
                unparsable++;
                log.debug("ignoring the unparsable commitment of {}: {}", c.hotkey(), e.getMessage());
                continue;
            }
            if (payload.round() == round) {
                out.add(new Counted(c.hotkey(), uid, c.block(), payload));
            } else {
                otherRound++;
            }
        }
        out.sort(Comparator.comparingLong(Counted::block).thenComparing(Counted::hotkey));
        log.info("r={} commitments at block {}: {} on chain, {} count ({} unregistered, {} outside [{}, {}), {} for "
                + "another round, {} unparsable)", round, at, onChain.size(), out.size(), unregistered, outside,
                clock.startBlock(round), clock.deadlineBlock(round), otherRound, unparsable);
        return out;
    }
}
