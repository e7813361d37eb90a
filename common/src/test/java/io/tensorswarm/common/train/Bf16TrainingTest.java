package io.tensorswarm.common.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** BF16 compute with F32 master weights learns as F32 does, and never narrows what it keeps. */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class Bf16TrainingTest {
    @BeforeAll
    static void engine() {
        TorchRuntime.configure();
    }

    private static float[] train(Precision precision, List<int[]> pages, float[] evalLossOut) {
        TrainConfig config = TrainConfig.defaults().withSteps(200).withBatchSize(8).withWarmupSteps(20)
                .withLearningRate(3e-3).withSeed(7).withPrecision(precision);
        try (GptModel model = GptModel.create(GptConfig.preset("tiny"), 3, Device.cpu());
                Trainer trainer = new Trainer(model, config)) {
            TrainResult r = trainer.train(pages, TrainingListener.NONE);
            System.out.printf("tiny %s: 200 steps in %.1f s, last-20 mean loss %.4f%n", precision, r.seconds(),
                    mean(r.losses(), 180, 200));
            for (NDArray p : model.parameterArrays().values()) {
                assertEquals(DataType.FLOAT32, p.getDataType(), "master weight " + p.getName());
            }
            // Both runs are judged by the same F32 evaluation, so the comparison is of what was learned.
            evalLossOut[0] = (float) new Evaluator(8).evaluate(model, pages.subList(0, 32)).meanLoss();
            return r.losses();
        }
    }

    @Test
    void tinyTrainedTwoHundredStepsInBf16EndsWithinOnePercentOfF32() throws IOException {
        List<int[]> pages = brownPages(129);
        float[] evalF32 = new float[1];
        float[] evalBf16 = new float[1];
        float[] f32 = train(Precision.FP32, pages, evalF32);
        float[] bf16 = train(Precision.BF16, pages, evalBf16);
        double lastF32 = mean(f32, 180, 200);
        double lastBf16 = mean(bf16, 180, 200);
        assertTrue(lastF32 < 3.0 && lastF32 > 1.5, "F32 learned without memorising: mean of the last 20 losses " + lastF32);
        assertTrue(Math.abs(lastBf16 - lastF32) / lastF32 < 0.01,
                "mean of the last 20 step losses: bf16 " + lastBf16 + " vs f32 " + lastF32);
        assertTrue(Math.abs(evalBf16[0] - evalF32[0]) / evalF32[0] < 0.01,
                "F32 evaluation after training: bf16-trained " + evalBf16[0] + " vs f32-trained " + evalF32[0]);
    }

    @Test
    void bf16LogitsAreF32AndCloseToF32Logits() {
        int[][] tokens = {{72, 101, 108, 108, 111, 32, 119, 111, 114, 108, 100}};
        try (GptModel model = GptModel.create(GptConfig.preset("tiny"), 11, Device.cpu());
                NDManager scope = NDManager.newBaseManager()) {
            NDArray wide = model.logits(scope, tokens, Precision.FP32);
            NDArray narrow = model.logits(scope, tokens, Precision.BF16);
            assertEquals(DataType.FLOAT32, narrow.getDataType());
            float[] a = wide.toFloatArray();
            float[] b = narrow.toFloatArray();
            double maxDiff = 0;
            double maxAbs = 0;
            for (int i = 0; i < a.length; i++) {
                maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
                maxAbs = Math.max(maxAbs, Math.abs(a[i]));
            }
            assertTrue(maxDiff > 0, "bf16 really computed in bf16");
            assertTrue(maxDiff < 0.02 * Math.max(1, maxAbs), "largest logit difference " + maxDiff + " (|logit| up to " + maxAbs + ")");
        }
    }

    @Test
    void unknownPrecisionIsAOneLineError() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Precision.parse("fp8"));
        assertEquals("precision 'fp8' is not one of fp32, bf16", e.getMessage());
        assertEquals(Precision.BF16, Precision.parse("BF16"));
    }

    /**
     * Byte pages of the first 20 Brown corpus files (about 200 KB): far more text than 200 steps of 8
     * pages see, so the comparison is of learning, not of memorising (where rounding decides more).
     */
    private static List<int[]> brownPages(int len) throws IOException {
        Path dir = Path.of("..", "data", "brown"); // scripts/test.sh fetches it (scripts/fetch-corpus.sh)
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isDirectory(dir),
                "data/brown is missing: run ./scripts/fetch-corpus.sh (./scripts/test.sh does)");
        List<int[]> pages = new ArrayList<>();
        for (int f = 1; f <= 20; f++) {
            byte[] text = Files.readAllBytes(dir.resolve(String.format("ca%02d.txt", f)));
            for (int start = 0; start + len <= text.length; start += len) {
                int[] p = new int[len];
                for (int i = 0; i < len; i++) {
                    p[i] = text[start + i] & 0xff;
                }
                pages.add(p);
            }
        }
        return pages;
    }

    private static double mean(float[] values, int from, int to) {
        double s = 0;
        for (int i = from; i < to; i++) {
            s += values[i];
        }
        return s / (to - from);
    }
}
