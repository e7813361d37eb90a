package io.tensorswarm.bench;

import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.DeltaCodecs;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * The swarm benchmark ({@code scripts/bench/run swarm}): trains the same model from the same
 * initial weights on the same real text three ways and measures held-out loss against tokens seen:
 * one machine ({@link OneMachineRun}); the swarm with dense ({@code fp32}) deltas; the swarm with
 * each other codec ({@link SwarmRun}: the miner's training job, the validators' scoring, the
 * averager's merge). Prints a Markdown table per miner count on stdout, progress per round on
 * stderr, and writes the curves as CSV and a PNG plot under {@code --out}.
 *
 * <pre>
 * scripts/bench/run swarm                                       # tiny, K = 3 and 8, 20 rounds, every codec
 * scripts/bench/run swarm --preset small --codecs fp32,sparseloco
 * scripts/bench/run swarm --miners 3 --codecs fp32 --outer-lr 0.4,0.7,1.0 --outer-momentum 0,0.9
 * scripts/bench/run swarm --miners 2 --rounds 3 --steps 4 --codecs sparseloco   # a quick check
 * </pre>
 */
public final class SwarmBench {
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private SwarmBench() {}

    /** Every run of one invocation, by miner count, in the order run. */
    public record Results(SwarmSettings settings, Map<Integer, List<RunResult>> byMiners) {}

    public static void main(String[] args) throws IOException {
        TorchRuntime.configure();
        Map<String, String> opts;
        try {
            opts = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("swarm bench: " + e.getMessage());
            System.err.println(USAGE);
            System.exit(2);
            return;
        }
        if (opts.containsKey("help")) {
            System.out.println(USAGE);
            return;
        }
        String preset = opts.getOrDefault("preset", "tiny");
        String stamp = STAMP.format(Instant.now());
        Path out = Path.of(opts.getOrDefault("out", "bench-results"));
        Path plot = Path.of(opts.getOrDefault("plot", out.resolve("swarm-" + preset + "-" + stamp + ".png").toString()));
        Path csv = out.resolve("swarm-" + preset + "-" + stamp + ".csv");
        Path work = opts.containsKey("work") ? Files.createDirectories(Path.of(opts.get("work")))
                : Files.createTempDirectory("tensorswarm-swarm-bench-");
        SwarmSettings settings;
        try {
            settings = settings(opts, preset, work);
        } catch (RuntimeException e) { // a bad number or list, or an unknown preset or codec
            System.err.println("swarm bench: " + e.getMessage());
            System.exit(2);
            return;
        }
        PrintStream stdout = new PrintStream(System.out, true, StandardCharsets.UTF_8);
        stdout.printf(Locale.ROOT, "### Swarm benchmark: %s, %s%n%n", preset, stamp);
        stdout.printf(Locale.ROOT, "`scripts/bench/run swarm %s`; JVM %s, %d cores, -Xmx%d MiB; load average at"
                        + " start %s%n%n", String.join(" ", args), System.getProperty("java.version"),
                Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20, loadAverage());
        Files.createDirectories(out);
        Files.writeString(csv, Report.CSV_HEADER + "\n", StandardCharsets.UTF_8);
        try {
            run(settings, System.err, (k, runs) -> {
                stdout.print(Report.table(settings, k, runs));
                stdout.println();
            }, run -> append(csv, Report.csvRows(preset, run)), results -> writePlot(plot, results));
        } finally {
            SwarmRun.deleteTree(opts.containsKey("work") ? null : work);
        }
        stdout.printf(Locale.ROOT, "Load average at the end %s. Curves: `%s`; plot: `%s`.%n", loadAverage(), csv, plot);
    }

    /** What a caller hears while the bench runs. */
    public interface TableSink {
        void finished(int miners, List<RunResult> runs) throws IOException;
    }

    /** What a caller hears after each run. */
    public interface RunSink {
        void finished(RunResult run) throws IOException;
    }

    /** What a caller hears after each miner count. */
    public interface ResultsSink {
        void update(Results results) throws IOException;
    }

    /**
     * Runs every configuration of {@code settings}: per miner count, one machine (if asked), then
     * the swarm with each codec and outer setting; returns every result.
     */
    public static Results run(SwarmSettings settings, PrintStream progress, TableSink tables, RunSink runs,
            ResultsSink results) throws IOException {
        Map<Integer, List<RunResult>> byMiners = new LinkedHashMap<>();
        Results all = new Results(settings, byMiners);
        try (BenchData data = new BenchData(settings)) {
            progress.printf(Locale.ROOT, "swarm bench: %s (%,d parameters), %,d pages of %d tokens, %d held-out pages at"
                            + " loss %.4f%n", settings.modelName(), settings.model().parameterCount(), data.pages().pageCount(),
                    settings.model().nPositions(), data.heldOut().size(), data.initialLoss());
            for (int k : settings.minerCounts()) {
                List<RunResult> list = new ArrayList<>();
                byMiners.put(k, list);
                RunResult one = null;
                if (settings.oneMachine()) {
                    one = new OneMachineRun(data, progress).run(k);
                    list.add(one);
                    runs.finished(one);
                }
                for (String codec : settings.codecs()) {
                    for (float lr : settings.outerLearningRates()) {
                        for (float momentum : settings.outerMomenta()) {
                            String label = settings.sweepsOuter()
                                    ? String.format(Locale.ROOT, "%s lr %s m %s", codec, Report.fmt(lr), Report.fmt(momentum))
                                    : codec;
                            RunResult swarm = new SwarmRun(data, progress).run(label, k, codec, lr, momentum, one);
                            list.add(swarm);
                            runs.finished(swarm);
                        }
                    }
                }
                tables.finished(k, list);
                results.update(all);
            }
        }
        return all;
    }

    private static void writePlot(Path file, Results results) throws IOException {
        List<Map.Entry<String, List<RunResult>>> panels = new ArrayList<>();
        SwarmSettings s = results.settings();
        results.byMiners().forEach((k, runs) -> panels.add(new AbstractMap.SimpleEntry<>(String.format(Locale.ROOT,
                "K = %d miners, %d rounds x %d steps x batch %d", k, s.rounds(), s.steps(), s.batchSize()), runs)));
        LossPlot.write(file, String.format(Locale.ROOT, "Swarm benchmark, %s (%.1fM parameters): held-out loss vs"
                + " tokens seen", s.modelName(), s.model().parameterCount() / 1e6), panels);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static final String USAGE = """
            usage: scripts/bench/run swarm [options]
              --preset NAME            model preset: tiny (default), small (10.8M), gpt2, ...
              --miners LIST            miner counts K, comma-separated (default 3,8)
              --rounds N               swarm rounds (default 20)
              --steps N                inner steps per miner per round, S (default 12)
              --batch N                pages per step (default 4)
              --pages N                assigned pages per miner per round (default steps x batch: each once)
              --lr X                   inner peak learning rate (default 2e-3 tiny, 1e-3 small, 6e-4 others)
              --warmup N               miner warm-up, global steps (default: steps, one round, as local-subnet.sh)
              --decay-steps N          miner cosine decay after warm-up, global steps (default 0: none, as miner run)
              --fresh-optimizer        miners start a fresh AdamW and schedule each round (the miner before it kept them)
              --codecs LIST            swarm codecs, or all / none (default all: fp32,bf16,int8,topk,sparseloco)
              --outer-lr LIST          averager outer learning rates (default: the averager's, %s)
              --outer-momentum LIST    averager outer momenta (default: the averager's, %s)
              --top-g N                deltas merged per round; 0 = every miner (default 0)
              --held-out N             fixed held-out pages no miner trains on (default 64)
              --score-pages N          unassigned evaluation pages when scoring (default 8, as validators)
              --fit-pages N            averager fit pages (default 32, as averager run)
              --check-pages N          averager check pages (default 32, as averager run)
              --mixing-iterations N    averager mixing iterations (default 6, as averager run)
              --eval-batch N           pages per forward pass when scoring, merging, evaluating (default 8)
              --seed N                 initial weights seed (default 1)
              --no-one-machine         skip the one-machine baseline
              --data PATH              training text (default data/brown, from scripts/fetch-corpus.sh)
              --token-cache DIR        tokenized data cache (default ~/.cache/tensorswarm/tokens)
              --work DIR               scratch folder (default: a temporary folder, removed at the end)
              --out DIR                where the CSV and the PNG go (default bench-results)
              --plot FILE              the PNG (default <out>/swarm-<preset>-<time>.png)
            """.formatted(OuterOptimizer.DEFAULT_LEARNING_RATE, OuterOptimizer.DEFAULT_MOMENTUM);

    private static final List<String> FLAGS = List.of("help", "no-one-machine", "fresh-optimizer");
    private static final List<String> KEYS = List.of("preset", "miners", "rounds", "steps", "batch", "pages", "lr", "warmup", "decay-steps",
            "codecs", "outer-lr", "outer-momentum", "top-g", "held-out", "score-pages", "fit-pages", "check-pages",
            "mixing-iterations", "eval-batch", "seed", "data", "token-cache", "work", "out", "plot");

    static Map<String, String> parse(String[] args) {
        Map<String, String> out = new HashMap<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            if (!a.startsWith("--")) {
                throw new IllegalArgumentException("unexpected argument " + a);
            }
            String key = a.substring(2);
            String value = null;
            int eq = key.indexOf('=');
            if (eq >= 0) {
                value = key.substring(eq + 1);
                key = key.substring(0, eq);
            }
            if (FLAGS.contains(key)) {
                out.put(key, "true");
            } else if (KEYS.contains(key)) {
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + key + " needs a value");
                    }
                    value = args[++i];
                }
                out.put(key, value);
            } else {
                throw new IllegalArgumentException("unknown option --" + key);
            }
        }
        return out;
    }

    /** Returns the settings the options describe (defaults as in {@link #USAGE}). */
    static SwarmSettings settings(Map<String, String> o, String preset, Path work) {
        GptConfig model = GptConfig.preset(preset);
        int steps = integer(o, "steps", 12);
        int batch = integer(o, "batch", 4);
        double defaultLr = switch (preset) {
            case "tiny" -> 2e-3;
            case "small" -> 1e-3;
            default -> 6e-4;
        };
        String codecs = o.getOrDefault("codecs", "all");
        List<String> codecList = switch (codecs) {
            case "all" -> DeltaCodecs.names();
            case "none" -> List.of();
            default -> list(codecs, Function.identity());
        };
        Path tokenCache = Path.of(o.getOrDefault("token-cache",
                Path.of(System.getProperty("user.home"), ".cache", "tensorswarm", "tokens").toString()));
        return new SwarmSettings(preset, model, integer(o, "seed", 1), Path.of(o.getOrDefault("data", "data/brown")),
                tokenCache, work, list(o.getOrDefault("miners", "3,8"), Integer::parseInt), integer(o, "rounds", 20),
                steps, batch, integer(o, "pages", steps * batch), Double.parseDouble(o.getOrDefault("lr",
                        Double.toString(defaultLr))), integer(o, "warmup", steps), integer(o, "decay-steps", 0),
                !o.containsKey("fresh-optimizer"), codecList,
                list(o.getOrDefault("outer-lr", Float.toString(OuterOptimizer.DEFAULT_LEARNING_RATE)), Float::parseFloat),
                list(o.getOrDefault("outer-momentum", Float.toString(OuterOptimizer.DEFAULT_MOMENTUM)), Float::parseFloat),
                integer(o, "top-g", 0), integer(o, "held-out", 64), integer(o, "score-pages", 8),
                integer(o, "fit-pages", 32), integer(o, "check-pages", 32), integer(o, "mixing-iterations", 6),
                integer(o, "eval-batch", 8), !o.containsKey("no-one-machine"));
    }

    private static int integer(Map<String, String> o, String key, int dflt) {
        String v = o.get(key);
        try {
            return v == null ? dflt : Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + key + " needs an integer, got " + v);
        }
    }

    private static <T> List<T> list(String csv, Function<String, T> parse) {
        try {
            return Arrays.stream(csv.split(",")).map(String::strip).filter(s -> !s.isEmpty()).map(parse).toList();
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad list " + csv);
        }
    }
}
