package io.tensorswarm.common.bench;

import ai.djl.Device;
import io.tensorswarm.common.data.ByteTokenizer;
import io.tensorswarm.common.data.HfTokenizer;
import io.tensorswarm.common.data.TextDatasets;
import io.tensorswarm.common.data.TokenPages;
import io.tensorswarm.common.data.Tokenizer;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * BF16 against F32 training on real text: the same model, seed, pages and schedule trained once in
 * each precision, reporting tokens/s and where the loss ends (the mean of the last steps' losses,
 * and one F32 evaluation of each trained model on held-out pages).
 *
 * <p>Usage: {@code PrecisionBench [preset=tiny] [steps=200] [batch=8] [seq=128] [device=cpu]}. Text is the
 * Brown corpus in {@code data/brown}; {@code tiny} uses bytes, the GPT-2 presets the bundled GPT-2
 * tokenizer ({@code scripts/fetch-gpt2-tokenizer.sh}). Throughput counts steps 3 onwards.
 */
public final class PrecisionBench {
    private PrecisionBench() {}

    private record Run(double tokensPerSecond, double lastLoss, double evalLoss, double seconds) {}

    public static void main(String[] args) throws Exception {
        String preset = args.length > 0 ? args[0] : "tiny";
        int steps = Integer.parseInt(args.length > 1 ? args[1] : "200");
        int batch = Integer.parseInt(args.length > 2 ? args[2] : "8");
        int seq = Integer.parseInt(args.length > 3 ? args[3] : "128");
        String deviceSpec = args.length > 4 ? args[4] : "cpu";
        TorchRuntime.configure();
        Device device = TorchRuntime.device(deviceSpec);
        GptConfig config = GptConfig.preset(preset).withDropout(0);
        Tokenizer tokenizer = preset.equals("tiny") ? new ByteTokenizer()
                : HfTokenizer.load(Path.of("data", "tokenizers", "gpt2", "tokenizer.json"));
        if (!Files.isDirectory(Path.of("data", "brown"))) {
            throw new IllegalStateException("run from the repository root (data/brown not found)");
        }
        try (TokenPages all = TokenPages.builder().setDataset(TextDatasets.open(Path.of("data", "brown")))
                .setTokenizer(tokenizer).setPageLength(seq + 1).build()) {
            List<int[]> pages = all.allPages();
            int held = Math.min(16, pages.size() / 10);
            List<int[]> eval = pages.subList(pages.size() - held, pages.size());
            List<int[]> train = pages.subList(0, pages.size() - held);
            TrainConfig cfg = TrainConfig.defaults().withSteps(steps).withBatchSize(batch)
                    .withWarmupSteps(Math.max(1, steps / 10)).withLearningRate(preset.equals("tiny") ? 3e-3 : 6e-4)
                    .withSeed(7).withLogEvery(1_000_000);
            int lastN = Math.max(1, steps / 10);
            Run f32 = run(config, device, cfg.withPrecision(Precision.FP32), train, eval, lastN);
            Run bf16 = run(config, device, cfg.withPrecision(Precision.BF16), train, eval, lastN);
            System.out.printf(Locale.ROOT, "### BF16 vs F32 training: %s, %d steps, batch %d x seq %d, %s, %d threads%n%n",
                    preset, steps, batch, seq, device, Integer.getInteger("ai.djl.pytorch.num_threads",
                            Runtime.getRuntime().availableProcessors()));
            System.out.println("| metric | F32 | BF16 | BF16 / F32 |");
            System.out.println("|---|---:|---:|---:|");
            row("training tokens/s (steps 3+)", f32.tokensPerSecond(), bf16.tokensPerSecond(), "%.2fx");
            row("mean loss, last " + lastN + " steps", f32.lastLoss(), bf16.lastLoss(), "%+.2f%%");
            row("F32 eval loss, " + eval.size() + " held-out pages", f32.evalLoss(), bf16.evalLoss(), "%+.2f%%");
            row("wall time (s)", f32.seconds(), bf16.seconds(), "%.2fx");
        }
    }

    private static Run run(GptConfig config, Device device, TrainConfig cfg, List<int[]> train, List<int[]> eval,
            int lastN) {
        System.err.printf(Locale.ROOT, "bench: training %s in %s ...%n", cfg.steps() + " steps", cfg.precision());
        long[] thirdStepStart = {0};
        try (GptModel model = GptModel.create(config, 0, device);
                Trainer trainer = new Trainer(model, cfg)) {
            TrainResult r = trainer.train(train, new io.tensorswarm.common.train.TrainingListener() {
                @Override
                public void onStep(StepMetrics m) {
                    if (m.step() == 2) {
                        thirdStepStart[0] = System.nanoTime();
                    }
                }
            });
            double tail = (System.nanoTime() - thirdStepStart[0]) / 1e9;
            // Every page is full (no padding), so each step trains the same number of tokens.
            double tps = cfg.steps() > 2 ? r.tokens() * (cfg.steps() - 2.0) / cfg.steps() / tail : r.tokensPerSecond();
            double evalLoss = new Evaluator(8).evaluate(model, eval).meanLoss();
            return new Run(tps, r.meanOfLast(lastN), evalLoss, r.seconds());
        }
    }

    private static void row(String name, double a, double b, String ratioFormat) {
        double ratio = ratioFormat.contains("%%") ? 100 * (b - a) / a : b / a;
        System.out.printf(Locale.ROOT, "| %s | %s | %s | " + ratioFormat + " |%n", name, fmt(a), fmt(b), ratio);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.4f", v);
    }
}
