package io.tensorswarm.orchestrator.watch;

import ai.djl.Device;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.ModelDirectory;
import io.tensorswarm.common.protocol.Sha256;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Measures a base model's loss for the dashboard: mean next-token cross-entropy ({@link Evaluator})
 * on a fixed set of {@code pages} evaluation pages of the dataset, the same set for every revision
 * so that the losses are comparable over time. The pages are {@link TokenPages#evalPageIndices(byte[],
 * int)} for the public {@link #seed()}; they are a trend line for operators, not a score (miners
 * can know them; validators score on pages seeded by block hashes). Not thread-safe.
 */
public final class BaseLossProbe {
    private static final byte[] SEED = Sha256.newDigest().digest("tensorswarm-dashboard-eval-v1".getBytes(StandardCharsets.UTF_8));

    private final int pages;
    private final Device device;
    private final Evaluator evaluator;

    /**
     * @param pages evaluation pages per revision, at least 1
     * @param device where the model runs
     */
    public BaseLossProbe(int pages, Device device) {
        if (pages < 1) {
            throw new IllegalArgumentException("pages must be at least 1, got " + pages);
        }
        this.pages = pages;
        this.device = Objects.requireNonNull(device, "device");
        this.evaluator = new Evaluator(8);
    }

    /** Returns the seed of the evaluation pages: SHA-256 of {@code "tensorswarm-dashboard-eval-v1"}. */
    public static byte[] seed() {
        return SEED.clone();
    }

    /** Returns the evaluation pages per revision. */
    public int pages() {
        return pages;
    }

    /**
     * Returns the loss of the model in {@code modelDir} on the fixed pages of {@code dataset}.
     *
     * @throws io.tensorswarm.common.model.ModelWeightsException when the model cannot be loaded
     */
    public Evaluator.Result measure(Path modelDir, TokenPages dataset) {
        try (GptModel model = ModelDirectory.load(modelDir, device)) {
            return evaluator.evaluate(model, dataset.pages(dataset.evalPageIndices(SEED, pages)));
        }
    }
}
