package io.tensorswarm.common.bench;

import ai.djl.Device;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.eval.Evaluator;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * Evaluation throughput and peak resident memory of {@link Evaluator} (what validators and the
 * averager run every round) against PyTorch eager's {@code no_grad} forward and loss
 * ({@code scripts/bench/torch_eval.py}) on the same model, batch and sequence length, in the same run.
 * Each side runs in its own process, so each peak counts its model's weights once.
 *
 * <pre>{@code scripts/bench/run eval [preset batch seq reps threads device precision]}   (default gpt2 8 1024 2 2 cpu fp32)</pre>
 */
public final class EvalBench {
    private EvalBench() {}

    public static void main(String[] args) throws Exception {
        String preset = args.length > 0 ? args[0] : "gpt2";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        int seq = args.length > 2 ? Integer.parseInt(args[2]) : 1024;
        int reps = args.length > 3 ? Integer.parseInt(args[3]) : 2;
        int threads = args.length > 4 ? Integer.parseInt(args[4]) : Runtime.getRuntime().availableProcessors();
        String deviceSpec = args.length > 5 ? args[5] : "cpu";
        Precision precision = Precision.parse(args.length > 6 ? args[6] : "fp32");
        TorchRuntime.configure();
        Device device = TorchRuntime.device(deviceSpec);
        GptConfig config = GptConfig.preset(preset);
        SplittableRandom random = new SplittableRandom(1);
        List<int[]> pages = new ArrayList<>();
        for (int i = 0; i < batch; i++) {
            int[] p = new int[seq + 1];
            for (int j = 0; j < p.length; j++) {
                p[j] = random.nextInt(config.vocabSize());
            }
            pages.add(p);
        }
        System.out.printf(Locale.ROOT, "## Evaluation: %s, batch %d x %d tokens, best of %d, %d threads, %s, %s%n%n",
                preset, batch, seq, reps, threads, device, precision);
        BenchSupport.printEnvironment();
        double seconds;
        try (GptModel model = GptModel.create(config, 0, device)) {
            Evaluator evaluator = new Evaluator(batch, precision);
            seconds = BenchSupport.bestSeconds(reps, () -> evaluator.evaluate(model, pages));
        }
        double tokensPerSecond = (double) batch * seq / seconds;
        double peakMib = PeakMemory.residentMib();
        Optional<JsonNode> torch = BenchSupport.script("scripts/bench/torch_eval.py").flatMap(s -> BenchSupport.runPython(
                s, 30, "--preset", preset, "--batch", Integer.toString(batch), "--seq", Integer.toString(seq), "--reps",
                Integer.toString(reps), "--threads", Integer.toString(threads), "--device", device.isGpu() ? "cuda" : "cpu",
                "--precision", precision.label())).map(EvalBench::json);
        System.out.println("| metric | DJL (Java) | PyTorch eager (python3) | DJL / PyTorch |");
        System.out.println("|---|---|---|---|");
        if (torch.isPresent()) {
            double tt = torch.get().get("tokens_per_s").asDouble();
            double tm = torch.get().get("peak_rss_mib").asDouble();
            System.out.printf(Locale.ROOT, "| tokens/s | %s | %s | %.2fx |%n", BenchSupport.fmt(tokensPerSecond),
                    BenchSupport.fmt(tt), tokensPerSecond / tt);
            System.out.printf(Locale.ROOT, "| peak resident MiB | %s | %s | %.2fx |%n", BenchSupport.fmt(peakMib),
                    BenchSupport.fmt(tm), peakMib / tm);
            if (torch.get().has("peak_gpu_mib")) {
                System.out.printf(Locale.ROOT, "| PyTorch peak GPU MiB (max_memory_reserved) | - | %s | - |%n",
                        BenchSupport.fmt(torch.get().get("peak_gpu_mib").asDouble()));
            }
            System.out.println("\nPyTorch " + torch.get().get("torch").asText() + ", " + torch.get().get("threads").asInt()
                    + " threads.");
        } else {
            System.out.printf(Locale.ROOT, "| tokens/s | %s | - | - |%n| peak resident MiB | %s | - | - |%n",
                    BenchSupport.fmt(tokensPerSecond), BenchSupport.fmt(peakMib));
            System.out.println("\nPyTorch baseline not run (python3 with torch unavailable).");
        }
    }

    private static JsonNode json(String out) {
        try {
            return new ObjectMapper().readTree(out.strip().lines().reduce((a, b) -> b).orElse("{}"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
