package io.tensorswarm.common.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.training.GradientCollector;
import io.tensorswarm.common.model.CausalLmLoss;
import io.tensorswarm.common.model.GptModel;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Trains a {@link GptModel} in place on token pages with the causal language-model loss, AdamW,
 * warm-up plus cosine learning rate and global-norm clipping, as {@link TrainConfig} says.
 *
 * <p>Each step draws {@code batchSize} pages from a {@link BatchOrder}: over a list of pages,
 * shuffled passes seeded with the config's seed; over a {@link PageOrder}, that order (a miner's
 * assigned pages first, then fresh pages of its sequence), runs forward and backward inside its own
 * NDManager sub-scope, updates the weights, and reads exactly one value back from the device per
 * batch: its loss. With {@code gradAccum = N}, a step draws N micro-batches in turn (the same pages as one batch of {@code N x batchSize}), backpropagates each
 * micro-batch's summed loss divided by the step's predicted tokens, and updates once: the same update
 * as the large batch, with one micro-batch's activations in memory. The optimizer state lives as long as the
 * trainer, so consecutive {@link #train} calls continue the same AdamW moments; it can also be saved
 * and restored ({@link #saveOptimizer}, {@link #restoreOptimizer}), so training continues across
 * processes. The learning rate follows the config's schedule: per call, or by the global step (the
 * optimizer's update count, restored ones included; see {@link TrainConfig}). With dropout on, each
 * call reseeds libtorch's global generator with the config's seed. Not thread-safe, and only one
 * trainer per process may be inside a step at a time: DJL's PyTorch gradient collector is a
 * process-wide singleton.
 *
 * <p>A call runs {@code config.steps()} steps, or fewer when a {@link TrainingDeadline} comes first:
 * before each step after the first it checks that a step as long as the longest of the last few
 * ends by the deadline, so it stops on time instead of overrunning by a step.
 *
 * <pre>{@code
 * try (Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(300))) {
 *     TrainResult r = trainer.train(pages, ConsoleProgress.stderr(10));
 * }
 * }</pre>
 */
public final class Trainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Trainer.class);

    private final GptModel model;
    private final TrainConfig config;
    private final AdamW optimizer;
    private final NDManager root;

    /** Creates a trainer for {@code model}; allocates the AdamW moments (twice the weights). */
    public Trainer(GptModel model, TrainConfig config) {
        this.model = model;
        this.config = config;
        this.optimizer = new AdamW(model.parameterArrays(), model::isDecayed, config.beta1(), config.beta2(),
                config.eps(), config.weightDecay());
        this.root = NDManager.newBaseManager(model.device());
    }

    public TrainConfig config() {
        return config;
    }

    /** Returns the global step: the optimizer updates applied so far, restored ones included. */
    public long globalStep() {
        return optimizer.stepCount();
    }

    /**
     * Loads the AdamW moments and step count saved in {@code file}, or keeps the fresh optimizer and
     * says why; never throws for a bad file (see {@link AdamWStateFile#restore}). Call before training.
     */
    public AdamWStateFile.Restored restoreOptimizer(Path file) {
        return AdamWStateFile.restore(file, optimizer);
    }

    /** Writes the AdamW moments and step count to {@code file} atomically (see {@link AdamWStateFile#save}). */
    public void saveOptimizer(Path file) throws IOException {
        AdamWStateFile.save(optimizer, file);
    }

    /**
     * Runs {@code config.steps()} steps on {@code pages} and returns the per-step losses.
     *
     * @param pages token pages of 2 to {@code n_positions + 1} ids; -1 is padding
     * @throws IllegalArgumentException when there are no pages or a page is malformed
     * @throws TrainingDivergedException when a step's loss is not finite
     */
    public TrainResult train(List<int[]> pages, TrainingListener listener) {
        return train(pages, listener, TrainingDeadline.NONE);
    }

    /**
     * Runs up to {@code config.steps()} steps on {@code pages}, stopping before a step that would end
     * after {@code deadline} (at least one step runs), and returns the per-step losses.
     *
     * @param pages token pages of 2 to {@code n_positions + 1} ids; -1 is padding
     * @throws IllegalArgumentException when there are no pages or a page is malformed
     * @throws TrainingDivergedException when a step's loss is not finite
     */
    public TrainResult train(List<int[]> pages, TrainingListener listener, TrainingDeadline deadline) {
        return train(PageOrder.cycling(pages, config.seed()), listener, deadline);
    }

    /**
     * Runs {@code config.steps()} steps on pages drawn from {@code pages} and returns the per-step losses.
     *
     * @throws IllegalArgumentException when a page is malformed
     * @throws TrainingDivergedException when a step's loss is not finite
     */
    public TrainResult train(PageOrder pages, TrainingListener listener) {
        return train(pages, listener, TrainingDeadline.NONE);
    }

    /**
     * Runs up to {@code config.steps()} steps on pages drawn in turn from {@code pages} (a miner's round:
     * its assigned pages first, then fresh ones, see {@link PageOrder}), stopping before a step that
     * would end after {@code deadline} (at least one step runs), and returns the per-step losses. The
     * order is consumed: {@link PageOrder#served()} afterwards says how many pages were trained on.
     *
     * @throws IllegalArgumentException when a page is malformed
     * @throws TrainingDivergedException when a step's loss is not finite
     */
    public TrainResult train(PageOrder pages, TrainingListener listener, TrainingDeadline deadline) {
        BatchOrder sampler = new BatchOrder(pages, config.batchSize());
        if (model.config().embdPdrop() > 0 || model.config().attnPdrop() > 0 || model.config().residPdrop() > 0) {
            JniUtils.setSeed(config.seed()); // dropout masks come from libtorch's global generator
        }
        Engine engine = root.getEngine();
        int maxLength = model.config().nPositions() + 1;
        int vocab = model.config().vocabSize();
        int totalSteps = config.steps() == TrainConfig.UNLIMITED_STEPS ? 0 : config.steps();
        float[] losses = new float[Math.min(config.steps(), 1024)];
        StepTimes stepTimes = new StepTimes();
        boolean stoppedAtDeadline = false;
        long tokens = 0;
        long start = System.nanoTime();
        int s = 0;
        for (; s < config.steps(); s++) {
            if (s > 0 && !deadline.leavesRoomFor(stepTimes.expectedNanos())) {
                stoppedAtDeadline = true;
                log.debug("stopping after {} steps: the next (about {} ms) would end after the deadline ({} ms left)", s,
                        stepTimes.expectedNanos() / 1_000_000, deadline.nanosLeft() / 1_000_000);
                break;
            }
            long stepStart = System.nanoTime();
            double lr = config.learningRate(optimizer.stepCount(), s);
            List<List<int[]>> micro = new ArrayList<>(config.gradAccum());
            for (int m = 0; m < config.gradAccum(); m++) {
                micro.add(sampler.nextBatch());
            }
            // Each micro-batch backpropagates its summed loss over the step's predicted tokens, so the
            // gradients add up to those of the token mean of one batch of all the micro-batches' pages.
            long predicted = 0;
            for (List<int[]> b : micro) {
                predicted += predictedTokens(b);
            }
            float divisor = Math.max(1, predicted);
            double nll = 0;
            for (List<int[]> b : micro) {
                try (NDManager scope = root.newSubManager()) {
                    NDArray batchArray = CausalLmLoss.pagesToDevice(scope, b, maxLength, vocab);
                    tokens += batchArray.getShape().get(0) * (batchArray.getShape().get(1) - 1);
                    try (GradientCollector collector = engine.newGradientCollector()) {
                        NDArray part = CausalLmLoss.compute(model, batchArray, true, config.precision()).nllSum().div(divisor);
                        collector.backward(part);
                        nll += part.getFloat();
                    }
                }
            }
            try (NDManager scope = root.newSubManager()) {
                optimizer.step(scope, lr, config.gradClip());
            }
            float loss = (float) nll;
            if (!Float.isFinite(loss)) {
                throw new TrainingDivergedException("training diverged at step " + (s + 1) + ": loss " + loss
                        + " (lower the learning rate or enable gradient clipping)");
            }
            if (s == losses.length) {
                losses = Arrays.copyOf(losses, (int) Math.min(config.steps(), 2L * losses.length));
            }
            losses[s] = loss;
            double seconds = (System.nanoTime() - start) / 1e9;
            log.debug("step {}/{} loss {} lr {}", s + 1, totalSteps, loss, lr);
            listener.onStep(new TrainingListener.StepMetrics(s + 1, totalSteps, loss, lr,
                    seconds > 0 ? tokens / seconds : 0));
            stepTimes.add(System.nanoTime() - stepStart); // the listener's time too: it is part of every step
        }
        TrainResult result = new TrainResult(s, Arrays.copyOf(losses, s), tokens,
                (System.nanoTime() - start) / 1e9, stoppedAtDeadline);
        listener.onFinish(result);
        return result;
    }

    /** Returns the targets of {@code pages} that are not padding (what {@link CausalLmLoss} averages over). */
    static long predictedTokens(List<int[]> pages) {
        long n = 0;
        for (int[] p : pages) {
            for (int j = 1; j < p.length; j++) {
                if (p[j] != -1) {
                    n++;
                }
            }
        }
        return n;
    }

    /** Returns the number of arrays the trainer's own scope holds (constant between steps). */
    public int managedArrayCount() {
        return ((ai.djl.ndarray.BaseNDManager) root).getManagedArrays().size();
    }

    /** Frees the optimizer state and the trainer's scope; the model stays open. */
    @Override
    public void close() {
        optimizer.close();
        root.close();
    }
}
