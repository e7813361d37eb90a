package io.tensorswarm.bench;

import ai.djl.Device;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The baseline: one machine trains the same initial weights on the same pages as {@code k} miners,
 * with the miner's batch, learning rate and schedule shape, taking the {@code k x S} steps of a swarm
 * round per round: the same tokens, one after the other. Its optimizer (the same AdamW, from the
 * trainer every miner uses) keeps its moments for the whole run, as one machine would, on the
 * miner's schedule by global step (warm-up once over the same number of steps, then the same rate
 * or decay); with {@code --fresh-optimizer} the schedule restarts each round, as such a miner's does,
 * over the round's {@code k x S} steps. The loss on the same held-out pages is measured after each round, so the two curves share their
 * token counts.
 */
final class OneMachineRun {
    private final BenchData data;
    private final SwarmSettings settings;
    private final PrintStream progress;

    OneMachineRun(BenchData data, PrintStream progress) {
        this.data = data;
        this.settings = data.settings();
        this.progress = progress;
    }

    RunResult run(int k) {
        long started = System.nanoTime();
        int roundSteps = k * settings.steps();
        // The miner's training job: TrainConfig defaults, its batch, peak rate and schedule.
        TrainConfig config = TrainConfig.defaults()
                .withSteps(roundSteps)
                .withBatchSize(settings.batchSize())
                .withLearningRate(settings.learningRate())
                .withSeed(settings.initSeed());
        config = settings.keepOptimizer()
                ? config.withWarmupSteps(settings.warmupSteps()).withDecaySteps(settings.decaySteps())
                : config.withWarmupSteps(Math.min(100, roundSteps / 10)).withDecaySteps(TrainConfig.DECAY_PER_RUN);
        List<RunResult.Point> points = new ArrayList<>();
        points.add(new RunResult.Point(0, 0, data.initialLoss()));
        long tokens = 0;
        long steps = 0;
        double trainSeconds = 0;
        try (GptModel model = ModelDirectory.load(data.initialDir(), Device.cpu());
                Trainer trainer = new Trainer(model, config)) {
            for (int r = 0; r < settings.rounds(); r++) {
                long t0 = System.nanoTime();
                TrainResult result = trainer.train(data.roundPages(r, k), TrainingListener.NONE);
                double train = (System.nanoTime() - t0) / 1e9;
                trainSeconds += train;
                tokens += result.tokens();
                steps += result.steps();
                double loss = data.evaluator().evaluate(model, data.heldOut()).meanLoss();
                points.add(new RunResult.Point(r + 1, tokens, loss));
                progress.printf(Locale.ROOT, "one machine %s K=%d r=%d/%d: %,d tokens, %d steps, held-out %.4f;"
                        + " train %.1f s (%.0f tokens/s)%n", settings.modelName(), k, r + 1, settings.rounds(), tokens,
                        steps, loss, train, result.tokens() / Math.max(train, 1e-9));
            }
        }
        return new RunResult("one machine", null, k, Double.NaN, Double.NaN, points, steps,
                (System.nanoTime() - started) / 1e9, trainSeconds, 0, 0, 0, 0, 0, 0, Map.of(), 0, 0, 0);
    }
}
