package io.tensorswarm.bench;

import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.protocol.DeltaCodecs;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What one {@link SwarmBench} invocation runs: the model, the data, the swarm's shape and the
 * averager's knobs. Each list is a grid: every codec with every outer learning rate and momentum is
 * one swarm configuration, run for every miner count, and one machine is run once per miner count.
 *
 * @param modelName the preset name (or a label for a custom config), shown in reports
 * @param model the model architecture
 * @param initSeed the seed of the shared initial weights
 * @param data the training text (a file or a folder, as {@code miner train --data})
 * @param tokenCache where the tokenized corpus is cached, or null for none
 * @param workDir scratch folder (models, miner stores, residuals, scorer state); removed per run
 * @param minerCounts K values: miners per swarm
 * @param rounds swarm rounds
 * @param steps inner AdamW steps per miner per round (S)
 * @param batchSize pages per step
 * @param pages assigned pages per miner per round ({@code --pages} of {@code miner run})
 * @param learningRate the inner (miner) peak learning rate
 * @param warmupSteps the miner's {@code --train.warmup}: global steps of warm-up, once
 * @param decaySteps the miner's {@code --train.decay-steps}: global steps of cosine decay after the
 *     warm-up (0: the peak rate for good)
 * @param keepOptimizer whether miners keep their AdamW state across rounds ({@code miner run} does);
 *     false: the earlier miner, fresh AdamW and a warm-up plus cosine of its own every round
 * @param codecs the codecs the swarm is run with
 * @param outerLearningRates the averager's outer learning rates
 * @param outerMomenta the averager's outer Nesterov momenta
 * @param topG deltas merged per round (the averager's {@code --merge.top-g}); 0 = every miner
 * @param heldOutPages fixed held-out pages the curves are measured on (no miner ever trains on them)
 * @param scorePages unassigned evaluation pages per round for scoring ({@code --eval-pages})
 * @param fitPages the averager's fit pages ({@code --merge.fit-pages})
 * @param checkPages the averager's check pages ({@code --merge.check-pages})
 * @param mixingIterations the averager's {@code --merge.mixing-iterations}
 * @param evalBatch pages per forward pass when scoring, merging and evaluating
 * @param oneMachine whether to run the one-machine baseline
 */
public record SwarmSettings(
        String modelName,
        GptConfig model,
        long initSeed,
        Path data,
        Path tokenCache,
        Path workDir,
        List<Integer> minerCounts,
        int rounds,
        int steps,
        int batchSize,
        int pages,
        double learningRate,
        int warmupSteps,
        long decaySteps,
        boolean keepOptimizer,
        List<String> codecs,
        List<Float> outerLearningRates,
        List<Float> outerMomenta,
        int topG,
        int heldOutPages,
        int scorePages,
        int fitPages,
        int checkPages,
        int mixingIterations,
        int evalBatch,
        boolean oneMachine) {

    /** Checks every value. */
    public SwarmSettings {
        Objects.requireNonNull(modelName, "modelName");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(data, "data");
        Objects.requireNonNull(workDir, "workDir");
        minerCounts = List.copyOf(minerCounts);
        codecs = List.copyOf(codecs);
        outerLearningRates = List.copyOf(outerLearningRates);
        outerMomenta = List.copyOf(outerMomenta);
        if (minerCounts.isEmpty() || minerCounts.stream().anyMatch(k -> k < 1 || k > 64)) {
            throw new IllegalArgumentException("miner counts must be in [1, 64], got " + minerCounts);
        }
        for (String c : codecs) {
            if (!DeltaCodecs.isKnown(c)) {
                throw new IllegalArgumentException("unknown codec " + c + "; known: " + DeltaCodecs.names());
            }
        }
        if (outerLearningRates.isEmpty() || outerLearningRates.stream().anyMatch(x -> !(x > 0))) {
            throw new IllegalArgumentException("outer learning rates must be > 0, got " + outerLearningRates);
        }
        if (outerMomenta.isEmpty() || outerMomenta.stream().anyMatch(x -> !(x >= 0 && x < 1))) {
            throw new IllegalArgumentException("outer momenta must be in [0, 1), got " + outerMomenta);
        }
        if (rounds < 1 || steps < 1 || batchSize < 1 || pages < 1 || !(learningRate > 0)) {
            throw new IllegalArgumentException("rounds, steps, batch size, pages and learning rate must be positive");
        }
        if (warmupSteps < 0 || decaySteps < 0) {
            throw new IllegalArgumentException("warm-up and decay steps must not be negative");
        }
        if (topG < 0 || heldOutPages < 1 || scorePages < 1 || fitPages < 1 || checkPages < 1
                || mixingIterations < 0 || evalBatch < 1) {
            throw new IllegalArgumentException("bad page counts, top-G, mixing iterations or evaluation batch");
        }
        if (codecs.isEmpty() && !oneMachine) {
            throw new IllegalArgumentException("nothing to run: no codec and no one-machine baseline");
        }
    }

    /** Returns how many deltas are merged per round with {@code k} miners. */
    public int topGFor(int k) {
        return topG == 0 ? k : Math.min(topG, k);
    }

    /** Returns the largest miner count (the held-out pages avoid every page any of them is assigned). */
    public int maxMiners() {
        return minerCounts.stream().mapToInt(Integer::intValue).max().orElseThrow();
    }

    /** Returns the miner's schedule in words, for reports. */
    public String schedule() {
        if (!keepOptimizer) {
            return "fresh AdamW every round, warm-up " + Math.min(100, steps / 10) + " + cosine per round";
        }
        return "AdamW kept across rounds, warm-up " + warmupSteps + " global steps, then "
                + (decaySteps == 0 ? "the peak rate" : "a cosine over " + decaySteps + " steps");
    }

    /** Returns whether the outer settings form a grid larger than one point (labels then name them). */
    public boolean sweepsOuter() {
        return outerLearningRates.size() > 1 || outerMomenta.size() > 1;
    }
}
