package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A trainer fed a {@link PageOrder} sees its assigned pages first, then fresh ones as it trains longer. */
@Timeout(120)
class TrainerPageOrderTest {
    private static final String HOTKEY = "5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty";

    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    @Test
    void aTrainerGivenManyStepsSeesMoreDistinctPagesThanAssigned() {
        int[] tokens = new int[9 * 400];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = (i * 7 + i / 9) % 32;
        }
        try (TokenPages corpus = TokenPages.of(tokens, 9, "01".repeat(32));
                GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu())) {
            Set<Long> seen = new HashSet<>();
            Set<Long> assigned = new HashSet<>();
            for (long a : corpus.pageIndicesFor(3, HOTKEY, 8)) {
                assigned.add(a);
            }
            var sequence = corpus.pageSequenceFor(3, HOTKEY);
            PageOrder order = PageOrder.of(8, 64, sequence, index -> {
                seen.add(index);
                return corpus.page(index);
            }, 3);
            TrainConfig cfg = TrainConfig.defaults().withSteps(30).withBatchSize(4).withWarmupSteps(2)
                    .withLearningRate(1e-3).withSeed(3);
            try (Trainer trainer = new Trainer(model, cfg)) {
                TrainResult r = trainer.train(order, TrainingListener.NONE);
                assertEquals(30, r.steps());
            }
            assertEquals(120, order.served());
            assertEquals(64, seen.size(), "30 steps of 4 pages use all 64 pages of the cap, not just the 8 assigned");
            assertTrue(seen.containsAll(assigned), "the assigned pages are among them");
        }
    }

    @Test
    void aShortRunTrainsOnlyItsAssignedPages() {
        int[] tokens = new int[9 * 400];
        for (int i = 0; i < tokens.length; i++) {
            tokens[i] = i % 32;
        }
        try (TokenPages corpus = TokenPages.of(tokens, 9, "02".repeat(32));
                GptModel model = GptModel.create(TrainerTest.MICRO, 1, Device.cpu())) {
            Set<Long> seen = new HashSet<>();
            Set<Long> assigned = new HashSet<>();
            for (long a : corpus.pageIndicesFor(1, HOTKEY, 8)) {
                assigned.add(a);
            }
            PageOrder order = PageOrder.of(8, 512, corpus.pageSequenceFor(1, HOTKEY), index -> {
                seen.add(index);
                return corpus.page(index);
            }, 1);
            try (Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(2).withBatchSize(4)
                    .withWarmupSteps(1).withSeed(1))) {
                trainer.train(order, TrainingListener.NONE);
            }
            assertEquals(assigned, seen, "2 steps of 4 pages are exactly the 8 assigned pages");
        }
    }
}
