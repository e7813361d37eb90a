package io.tensorswarm.common.train;

import io.tensorswarm.common.model.Precision;

/**
 * Returns the hyper-parameters of one training run: AdamW with decoupled weight decay (matrices
 * only), linear warm-up then cosine decay to {@code learningRate * minLrRatio}, and global-norm
 * gradient clipping.
 *
 * <p><b>Schedule.</b> With {@code decaySteps = }{@link #DECAY_PER_RUN} (the default) the schedule
 * belongs to one {@link Trainer#train} call: warm-up over its first steps, a cosine to the minimum at
 * its last step, and the next call starts over (one-off runs such as {@code miner train}). With
 * {@code decaySteps >= 0} the schedule follows the <em>global</em> step, the number of updates the
 * optimizer has applied in all (including those restored with {@link AdamWStateFile}): warm-up once
 * over global steps {@code [0, warmupSteps)}, then the peak rate, constant when {@code decaySteps == 0},
 * else a cosine down to the minimum at global step {@code warmupSteps + decaySteps} and the minimum
 * after it. That is the schedule of a miner training round after round.
 *
 * <pre>{@code
 * TrainConfig cfg = TrainConfig.defaults().withSteps(300).withBatchSize(16);
 * TrainConfig miner = TrainConfig.defaults().withSteps(TrainConfig.UNLIMITED_STEPS).withWarmupSteps(100)
 *         .withDecaySteps(0); // warm up once, then the peak rate for good
 * }</pre>
 *
 * @param steps most optimizer steps one {@link Trainer#train} call runs; {@link #UNLIMITED_STEPS}
 *     for a call bounded only by its {@link TrainingDeadline}
 * @param batchSize pages per step
 * @param learningRate peak learning rate
 * @param warmupSteps steps of linear warm-up from {@code learningRate / warmupSteps}
 * @param minLrRatio final learning rate as a fraction of the peak, in [0, 1]
 * @param weightDecay decoupled weight decay on weight matrices and embeddings (not on biases or
 *     LayerNorm parameters)
 * @param beta1 AdamW first-moment decay
 * @param beta2 AdamW second-moment decay
 * @param eps AdamW epsilon
 * @param gradClip global L2 norm the gradients are scaled down to; 0 turns clipping off
 * @param seed seed of the page order, and of libtorch's generator for dropout masks
 * @param logEvery how often, in steps, progress lines are printed
 * @param gradAccum micro-batches of {@code batchSize} pages per optimizer step: their gradients add up
 *     to exactly the gradient of one batch of {@code gradAccum x batchSize} pages (token-weighted), so
 *     a device that fits only a small batch still takes the large step
 * @param precision what forward and backward compute in; weights and AdamW state are F32 in every mode
 * @param decaySteps {@link #DECAY_PER_RUN} for the per-call schedule, or the global steps of the cosine
 *     decay after warm-up (0: none); see the class doc
 */
public record TrainConfig(
        int steps,
        int batchSize,
        double learningRate,
        int warmupSteps,
        double minLrRatio,
        double weightDecay,
        double beta1,
        double beta2,
        double eps,
        double gradClip,
        long seed,
        int logEvery,
        int gradAccum,
        Precision precision,
        long decaySteps) {

    /** {@link #steps()} of a run that only its deadline ends. */
    public static final int UNLIMITED_STEPS = Integer.MAX_VALUE;
    /** {@link #decaySteps()} of the per-call schedule: warm-up and cosine over each call's steps. */
    public static final long DECAY_PER_RUN = -1;

    /** Validates every field; see the record components. */
    public TrainConfig {
        if (steps < 1) {
            throw new TrainConfigException("train steps " + steps + " must be at least 1");
        }
        if (batchSize < 1 || batchSize > 65_536) {
            throw new TrainConfigException("train batch size " + batchSize + " must be in [1, 65536]");
        }
        if (!(learningRate > 0 && learningRate < 10)) {
            throw new TrainConfigException("train learning rate " + learningRate + " must be in (0, 10)");
        }
        if (warmupSteps < 0) {
            throw new TrainConfigException("train warmup steps " + warmupSteps + " must not be negative");
        }
        if (!(minLrRatio >= 0 && minLrRatio <= 1)) {
            throw new TrainConfigException("train min lr ratio " + minLrRatio + " must be in [0, 1]");
        }
        if (!(weightDecay >= 0 && weightDecay < 1)) {
            throw new TrainConfigException("train weight decay " + weightDecay + " must be in [0, 1)");
        }
        if (!(beta1 >= 0 && beta1 < 1)) {
            throw new TrainConfigException("train beta1 " + beta1 + " must be in [0, 1)");
        }
        if (!(beta2 >= 0 && beta2 < 1)) {
            throw new TrainConfigException("train beta2 " + beta2 + " must be in [0, 1)");
        }
        if (!(eps > 0 && eps < 1)) {
            throw new TrainConfigException("train eps " + eps + " must be in (0, 1)");
        }
        if (!(gradClip >= 0) || Double.isInfinite(gradClip)) {
            throw new TrainConfigException("train grad clip " + gradClip + " must be 0 (off) or positive");
        }
        if (gradAccum < 1 || gradAccum > 65_536) {
            throw new TrainConfigException("train grad accumulation " + gradAccum + " must be in [1, 65536]");
        }
        if (precision == null) {
            throw new TrainConfigException("train precision must be fp32 or bf16");
        }
        if (logEvery < 1) {
            throw new TrainConfigException("train log every " + logEvery + " must be at least 1");
        }
        if (decaySteps < DECAY_PER_RUN) {
            throw new TrainConfigException("train decay steps " + decaySteps + " must be -1 (per run), 0 (none) or positive");
        }
    }

    /**
     * Returns nanoGPT-style defaults: 1000 steps, batch 16, lr 6e-4, 100 warm-up steps, decay to
     * 10%, weight decay 0.1, betas (0.9, 0.95), eps 1e-8, clip 1.0, seed 0, a log line every 10 steps,
     * no gradient accumulation, F32, the per-call schedule.
     */
    public static TrainConfig defaults() {
        return new TrainConfig(1000, 16, 6e-4, 100, 0.1, 0.1, 0.9, 0.95, 1e-8, 1.0, 0, 10, 1, Precision.FP32,
                DECAY_PER_RUN);
    }

    public TrainConfig withSteps(int value) {
        return new TrainConfig(value, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withBatchSize(int value) {
        return new TrainConfig(steps, value, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withLearningRate(double value) {
        return new TrainConfig(steps, batchSize, value, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withWarmupSteps(int value) {
        return new TrainConfig(steps, batchSize, learningRate, value, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withWeightDecay(double value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, value, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withGradClip(double value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, value, seed, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withSeed(long value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, value, logEvery, gradAccum, precision, decaySteps);
    }

    public TrainConfig withLogEvery(int value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, value, gradAccum, precision, decaySteps);
    }

    public TrainConfig withGradAccum(int value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, value, precision, decaySteps);
    }

    public TrainConfig withPrecision(Precision value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, value, decaySteps);
    }

    public TrainConfig withDecaySteps(long value) {
        return new TrainConfig(steps, batchSize, learningRate, warmupSteps, minLrRatio, weightDecay, beta1, beta2,
                eps, gradClip, seed, logEvery, gradAccum, precision, value);
    }

    /** Returns whether the schedule follows the global step (see the class doc) rather than each call's. */
    public boolean globalSchedule() {
        return decaySteps != DECAY_PER_RUN;
    }

    /** Returns the pages one optimizer step consumes: {@code batchSize x gradAccum}. */
    public int pagesPerStep() {
        return batchSize * gradAccum;
    }

    /**
     * Returns the learning rate of a step (see the class doc): {@code lr * (s + 1) / warmup} during
     * warm-up, then the peak, or a cosine from the peak down to {@code lr * minLrRatio}.
     *
     * @param globalStep updates the optimizer applied before this one, in all
     * @param runStep 0-based index of the step in its {@link Trainer#train} call
     */
    public double learningRate(long globalStep, int runStep) {
        if (!globalSchedule()) {
            return learningRateAt(runStep);
        }
        if (globalStep < warmupSteps) {
            return learningRate * (globalStep + 1) / warmupSteps;
        }
        return decaySteps == 0 ? learningRate : cosine((double) (globalStep - warmupSteps) / decaySteps);
    }

    /**
     * Returns the learning rate of 0-based {@code step} of a call under the per-call schedule: {@code lr
     * * (step + 1) / warmup} during warm-up, then a cosine from {@code lr} down to {@code lr *
     * minLrRatio} at the call's last step.
     */
    public double learningRateAt(int step) {
        if (step < warmupSteps) {
            return learningRate * (step + 1) / warmupSteps;
        }
        int decay = steps - warmupSteps - 1;
        return cosine(decay <= 0 ? 0.0 : (double) (step - warmupSteps) / decay);
    }

    /** Returns the rate at {@code progress} (clamped to [0, 1]) of the cosine from the peak to the minimum. */
    private double cosine(double progress) {
        double minLr = learningRate * minLrRatio;
        return minLr + 0.5 * (1 + Math.cos(Math.PI * Math.min(1.0, progress))) * (learningRate - minLr);
    }
}
