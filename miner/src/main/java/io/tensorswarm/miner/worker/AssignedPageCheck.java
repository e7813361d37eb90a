package io.tensorswarm.miner.worker;

import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.ErrorFeedback;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.List;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encodes a miner's delta through error feedback and checks, before anything is written, that what
 * validators will decode lowers the loss on the miner's own assigned pages, as they measure it.
 *
 * <p>Why: error feedback sends this round's training plus the decayed residual of earlier rounds.
 * That residual was downhill at the bases it was trained on, not always at this round's base, and
 * now and then it outweighs the round's training: the decoded delta then raises the very pages the
 * miner trained on (1 of 60 sparseloco deltas in the swarm benchmark did). When it does, the miner
 * sends this round's training alone, encoded without the residual, if that lowers the loss more; the
 * residual then keeps everything left unsent ({@code delta + decay * residual - decode(sent)}), so
 * nothing is lost, only postponed.
 *
 * <p>Cost: two or three evaluations of the assigned pages on the device, no host copy of the base;
 * the heap holds what error feedback's encoding always held (the delta, the compensated delta and
 * one decoded delta besides the residual).
 * The model is a workspace: it holds neither the trained nor the base weights afterwards.
 */
final class AssignedPageCheck {
    private static final Logger log = LoggerFactory.getLogger(AssignedPageCheck.class);

    private final GptModel model;
    private final GptModel.Snapshot base;
    private final List<int[]> assigned;
    private final Evaluator evaluator;

    AssignedPageCheck(GptModel model, GptModel.Snapshot base, List<int[]> assigned, int batchSize, Precision precision) {
        this.model = model;
        this.base = base;
        this.assigned = assigned;
        this.evaluator = new Evaluator(batchSize, precision);
    }

    /**
     * Returns the stored tensors to publish for {@code delta} and updates {@code feedback}'s residual
     * with what they leave out.
     *
     * @throws io.tensorswarm.common.protocol.DeltaCodecException when the codec refuses the delta
     */
    ParameterSet encode(DeltaCodec codec, ErrorFeedback feedback, ParameterSet delta, long round) {
        ParameterSet toSend = feedback.compensate(delta);
        ParameterSet stored = codec.encode(toSend);
        ParameterSet decoded = codec.decode(stored, toSend);
        model.restore(base);
        Evaluator.Comparison withResidual = evaluator.compareAddingInPlace(model, decoded, assigned);
        if (withResidual.improvement() <= 0) {
            decoded = null; // one decoded delta on the heap at a time: the residual path's peak, no more
            ParameterSet alone = codec.encode(delta);
            ParameterSet aloneDecoded = codec.decode(alone, delta);
            model.restore(base);
            Evaluator.Comparison withoutResidual = new Evaluator.Comparison(withResidual.base(),
                    evaluator.evaluateAddingInPlace(model, aloneDecoded, assigned));
            if (withoutResidual.improvement() > withResidual.improvement()) {
                log.info("r={} the delta with the carried residual would raise the loss on the assigned pages ({} -> {}); "
                        + "sending this round's training alone ({} -> {}), the residual keeps the rest", round,
                        nats(withResidual.base().meanLoss()), nats(withResidual.withDelta().meanLoss()),
                        nats(withoutResidual.base().meanLoss()), nats(withoutResidual.withDelta().meanLoss()));
                stored = alone;
                decoded = aloneDecoded;
            } else {
                log.warn("r={} neither the delta with the carried residual ({} -> {}) nor this round's training alone "
                        + "({} -> {}) lowers the loss on the assigned pages; sending it as trained (try a lower --train.lr)",
                        round, nats(withResidual.base().meanLoss()), nats(withResidual.withDelta().meanLoss()),
                        nats(withoutResidual.base().meanLoss()), nats(withoutResidual.withDelta().meanLoss()));
                aloneDecoded = null;
                decoded = codec.decode(stored, toSend);
            }
        }
        feedback.update(toSend, decoded);
        return stored;
    }

    private static String nats(double loss) {
        return String.format(Locale.ROOT, "%.4f", loss);
    }
}
