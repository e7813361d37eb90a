package io.tensorswarm.miner.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.ErrorFeedback;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What a miner sends through error feedback must lower the loss on its own assigned pages. */
@Timeout(120)
class AssignedPageCheckTest {
    private static final GptConfig MICRO = new GptConfig(32, 16, 16, 1, 2, null, "gelu_new", 1e-5, 0.02, 0, 0, 0,
            true, null, null, Map.of());
    private static final DeltaCodec FP32 = DeltaCodecs.forName("fp32");

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void aResidualThatWouldRaiseTheAssignedPageLossWaitsAndThisRoundsTrainingIsSentAlone() {
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu()); GptModel.Snapshot base = model.snapshot()) {
            ParameterSet delta = train(model, base);
            // A residual pointing back up the slope, four times as long as the round's training.
            ErrorFeedback feedback = feedbackWithResidual(Deltas.apply(zeros(delta), delta, -5f));

            ParameterSet stored = new AssignedPageCheck(model, base, pages(), 4, Precision.FP32)
                    .encode(FP32, feedback, delta, 7);

            ParameterSet sent = FP32.decode(stored, delta);
            assertEquals(1.0, Deltas.cosine(sent, delta), 1e-6, "this round's training alone was sent");
            assertEquals(Deltas.l2Norm(delta), Deltas.l2Norm(sent), 1e-4 * Deltas.l2Norm(delta));
            // Nothing lost: the residual holds delta - 5 delta - sent = -5 delta.
            ParameterSet expected = Deltas.apply(zeros(delta), delta, -5f);
            assertEquals(1.0, Deltas.cosine(feedback.residuals(), expected), 1e-6);
            assertEquals(Deltas.l2Norm(expected), Deltas.l2Norm(feedback.residuals()), 1e-4 * Deltas.l2Norm(expected));
            assertTrue(lossWith(model, base, sent) < lossWith(model, base, zeros(delta)), "what was sent helps");
        }
    }

    @Test
    void aResidualThatHelpsIsSentWithTheRoundsTraining() {
        try (GptModel model = GptModel.create(MICRO, 1, Device.cpu()); GptModel.Snapshot base = model.snapshot()) {
            ParameterSet delta = train(model, base);
            ErrorFeedback feedback = feedbackWithResidual(Deltas.apply(zeros(delta), delta, 0.5f));

            ParameterSet stored = new AssignedPageCheck(model, base, pages(), 4, Precision.FP32)
                    .encode(FP32, feedback, delta, 7);

            ParameterSet sent = FP32.decode(stored, delta);
            assertEquals(1.5 * Deltas.l2Norm(delta), Deltas.l2Norm(sent), 1e-4 * Deltas.l2Norm(delta),
                    "delta plus the carried residual");
            assertEquals(0.0, Deltas.l2Norm(feedback.residuals()), 1e-6, "fp32 leaves nothing unsent");
        }
    }

    /** Trains the model a few steps on the assigned pages and returns trained - base; the model then holds the base. */
    private static ParameterSet train(GptModel model, GptModel.Snapshot base) {
        TrainConfig cfg = TrainConfig.defaults().withSteps(30).withBatchSize(4).withWarmupSteps(2)
                .withLearningRate(1e-2).withSeed(3);
        try (Trainer trainer = new Trainer(model, cfg)) {
            trainer.train(pages(), TrainingListener.NONE);
        }
        ParameterSet delta = model.deltaFrom(base);
        model.restore(base);
        return delta;
    }

    private static ErrorFeedback feedbackWithResidual(ParameterSet residual) {
        ErrorFeedback feedback = ErrorFeedback.empty(1.0);
        feedback.update(residual, zeros(residual)); // residual = residual - 0
        return feedback;
    }

    private static double lossWith(GptModel model, GptModel.Snapshot base, ParameterSet delta) {
        model.restore(base);
        return new Evaluator(4).compareAddingInPlace(model, delta, pages()).withDelta().meanLoss();
    }

    private static ParameterSet zeros(ParameterSet like) {
        ParameterSet.Builder b = ParameterSet.builder();
        for (NamedTensor t : like) {
            b.add(NamedTensor.ofFloats(t.name(), t.shape(), new float[t.toFloats().length]));
        }
        return b.build();
    }

    private static List<int[]> pages() {
        List<int[]> out = new ArrayList<>();
        for (int p = 0; p < 8; p++) {
            int[] page = new int[17];
            for (int i = 0; i < page.length; i++) {
                page[i] = (i * (p % 3 + 1) + p) % 32;
            }
            out.add(page);
        }
        return out;
    }
}
