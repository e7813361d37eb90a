package io.tensorswarm.common.bench;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.TrainResult;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * Training throughput of our DJL GPT against an eager PyTorch implementation of the same model and
 * step ({@code scripts/bench/torch_train.py}, run with {@code /usr/bin/python3} in the same run),
 * plus achieved GFLOP/s against a dense fp32 matmul peak measured through DJL.
 *
 * <p>Usage: {@code TrainingBench [preset=tiny] [batch=16] [seq=128] [steps=20] [threads=cores]
 * [device=cpu] [matmulN=1024] [precision=fp32]}; on a GPU the PyTorch baseline runs on the same GPU. Two warm-up steps are not timed. FLOPs per token use the nanoGPT /
 * PaLM estimate {@code 6 N + 12 L d T}, where N counts all parameters except {@code wpe} (the tied
 * {@code wte} is counted once, for the LM-head matmul), L layers, d width, T sequence length.
 */
public final class TrainingBench {
    private TrainingBench() {}

    public static void main(String[] args) throws Exception {
        String preset = arg(args, 0, "tiny");
        int batch = Integer.parseInt(arg(args, 1, "16"));
        int seq = Integer.parseInt(arg(args, 2, "128"));
        int steps = Integer.parseInt(arg(args, 3, "20"));
        int threads = Integer.parseInt(arg(args, 4, Integer.toString(Runtime.getRuntime().availableProcessors())));
        String deviceSpec = arg(args, 5, "cpu");
        int matmulN = Integer.parseInt(arg(args, 6, "1024"));
        Precision precision = Precision.parse(arg(args, 7, "fp32"));
        System.setProperty("ai.djl.pytorch.num_threads", Integer.toString(threads));
        TorchRuntime.configure();
        Device device = TorchRuntime.device(deviceSpec);
        GptConfig config = GptConfig.preset(preset).withDropout(0);
        if (seq > config.nPositions()) {
            throw new IllegalArgumentException("seq " + seq + " exceeds n_positions " + config.nPositions());
        }
        List<int[]> pages = randomPages(config.vocabSize(), batch * 4, seq + 1);
        TrainConfig train = TrainConfig.defaults().withBatchSize(batch).withWarmupSteps(0).withLogEvery(1000)
                .withPrecision(precision);

        double djlTokensPerS;
        double djlStepMs;
        try (GptModel model = GptModel.create(config, 0, device)) {
            try (Trainer warm = new Trainer(model, train.withSteps(2))) { // its AdamW state is freed before timing
                warm.train(pages, TrainingListener.NONE);
            }
            try (Trainer timed = new Trainer(model, train.withSteps(steps))) {
                TrainResult r = timed.train(pages, TrainingListener.NONE);
                djlTokensPerS = r.tokensPerSecond();
                djlStepMs = 1000 * r.seconds() / steps;
            }
        }
        double djlPeakRss = PeakMemory.residentMib(); // before the matmul probe's own arrays
        double djlPeak = djlMatmulGflops(device, matmulN);
        JsonNode torch = torchBaseline(preset, batch, seq, steps, threads, matmulN, device.isGpu() ? "cuda" : "cpu",
                precision);

        long n = config.parameterCount() - (long) config.nPositions() * config.nEmbd();
        double flopsPerToken = 6.0 * n + 12.0 * config.nLayer() * config.nEmbd() * seq;
        double djlGflops = flopsPerToken * djlTokensPerS / 1e9;

        System.out.printf(Locale.ROOT, "### Training throughput: %s, batch %d x seq %d, %d timed steps, %d threads, %s, %s%n%n",
                preset, batch, seq, steps, threads, device, precision);
        System.out.printf(Locale.ROOT, "FLOPs/token = 6N + 12LdT = %.3e (N = %d without wpe)%n%n", flopsPerToken, n);
        System.out.println("| metric | DJL (Java) | PyTorch eager (python3) | DJL / PyTorch |");
        System.out.println("|---|---:|---:|---:|");
        if (torch != null) {
            double tt = torch.get("tokens_per_s").doubleValue();
            double tPeak = torch.get("matmul_gflops").doubleValue();
            row("training tokens/s", djlTokensPerS, tt);
            row("step time (ms)", djlStepMs, torch.get("step_ms").doubleValue());
            row("achieved GFLOP/s", djlGflops, flopsPerToken * tt / 1e9);
            row("fp32 matmul peak GFLOP/s (" + matmulN + "^3)", djlPeak, tPeak);
            row("MFU vs own matmul peak (%)", 100 * djlGflops / djlPeak, 100 * flopsPerToken * tt / 1e9 / tPeak);
            row("peak resident MiB (process)", djlPeakRss, torch.path("peak_rss_mib").asDouble(Double.NaN));
            if (torch.has("peak_gpu_mib")) {
                row("PyTorch peak GPU MiB (max_memory_reserved)", Double.NaN, torch.get("peak_gpu_mib").doubleValue());
            }
            System.out.printf(Locale.ROOT, "%nPyTorch: %s, %d threads%n", torch.get("torch").asText(),
                    torch.get("threads").intValue());
        } else {
            row("training tokens/s", djlTokensPerS, Double.NaN);
            row("step time (ms)", djlStepMs, Double.NaN);
            row("achieved GFLOP/s", djlGflops, Double.NaN);
            row("fp32 matmul peak GFLOP/s (" + matmulN + "^3)", djlPeak, Double.NaN);
            row("MFU vs matmul peak (%)", 100 * djlGflops / djlPeak, Double.NaN);
            row("peak resident MiB (process)", djlPeakRss, Double.NaN);
            System.out.println("\nPyTorch baseline not run (GPU device, or python3 with torch unavailable).");
        }
    }

    private static void row(String name, double ours, double theirs) {
        String t = Double.isNaN(theirs) ? "n/a" : fmt(theirs);
        String ratio = Double.isNaN(theirs) || theirs == 0 ? "n/a" : String.format(Locale.ROOT, "%.2fx", ours / theirs);
        System.out.printf(Locale.ROOT, "| %s | %s | %s | %s |%n", name, fmt(ours), t, ratio);
    }

    private static String fmt(double v) {
        return v >= 100 ? String.format(Locale.ROOT, "%,.0f", v) : String.format(Locale.ROOT, "%.2f", v);
    }

    private static String arg(String[] args, int i, String dflt) {
        return args.length > i ? args[i] : dflt;
    }

    static List<int[]> randomPages(int vocab, int count, int length) {
        SplittableRandom rnd = new SplittableRandom(1);
        List<int[]> pages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pages.add(rnd.ints(length, 0, vocab).toArray());
        }
        return pages;
    }

    /** Returns dense fp32 matmul GFLOP/s of n x n by n x n products, looped for about a second. */
    static double djlMatmulGflops(Device device, int n) {
        try (NDManager m = NDManager.newBaseManager(device)) {
            NDArray a = m.randomNormal(new Shape(n, n));
            NDArray b = m.randomNormal(new Shape(n, n));
            try (NDManager s = m.newSubManager()) {
                a.matMul(b).toFloatArray(); // warm-up
            }
            long start = System.nanoTime();
            int count = 0;
            float sink = 0;
            while (System.nanoTime() - start < 1_000_000_000L) {
                try (NDManager s = m.newSubManager()) {
                    NDArray c = a.matMul(b);
                    c.attach(s);
                    if (++count % 8 == 0) {
                        sink += c.getFloat(0, 0); // bounds queued GPU work; free on CPU
                    }
                }
            }
            try (NDManager s = m.newSubManager()) {
                NDArray c = a.matMul(b);
                c.attach(s);
                sink += c.getFloat(0, 0);
                count++;
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            if (Float.isNaN(sink)) {
                System.err.println("matmul produced NaN");
            }
            return 2.0 * n * n * (double) n * count / seconds / 1e9;
        }
    }

    /** Runs the PyTorch baseline; returns its JSON line, or null when python3/torch is unavailable. */
    static JsonNode torchBaseline(String preset, int batch, int seq, int steps, int threads, int matmulN,
            String device, Precision precision) throws Exception {
        Path script = locate(Path.of("scripts", "bench", "torch_train.py"));
        if (script == null || !Files.isExecutable(Path.of("/usr/bin/python3"))) {
            return null;
        }
        Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), "--preset", preset, "--batch",
                Integer.toString(batch), "--seq", Integer.toString(seq), "--steps", Integer.toString(steps),
                "--threads", Integer.toString(threads), "--matmul", Integer.toString(matmulN), "--device", device,
                "--precision", precision.label())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (!p.waitFor(3, TimeUnit.HOURS) || p.exitValue() != 0 || out.isEmpty()) {
            System.err.println("PyTorch baseline failed: " + out);
            return null;
        }
        String[] lines = out.split("\n");
        return new ObjectMapper().readTree(lines[lines.length - 1]);
    }

    private static Path locate(Path relative) {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            if (Files.exists(dir.resolve(relative))) {
                return dir.resolve(relative);
            }
        }
        return null;
    }
}
