package io.tensorswarm.averager.bench;

import ai.djl.Device;
import io.tensorswarm.averager.merge.HotkeyDelta;
import io.tensorswarm.averager.merge.MergeConfig;
import io.tensorswarm.averager.merge.MergeResult;
import io.tensorswarm.averager.merge.Merger;
import io.tensorswarm.averager.merge.MixingConfig;
import io.tensorswarm.averager.merge.OuterOptimizer;
import io.tensorswarm.common.bench.PeakMemory;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.Precision;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.DeltaCodec;
import io.tensorswarm.common.protocol.DeltaCodecs;
import io.tensorswarm.common.protocol.SparseDelta;
import io.tensorswarm.common.protocol.SparseTensor;
import io.tensorswarm.common.tensor.Deltas;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Peak resident memory and wall time of one averager merge ({@link Merger#merge}: mixing-weight fit
 * with its gradient passes, weighted sum, outer Nesterov step, acceptance check) on a preset's
 * model, as {@code averager run} does it every round.
 *
 * <p>Usage: {@code MergeBench [preset=gpt2] [deltas=2] [fitPages=2] [checkPages=2] [iterations=3]
 * [precision=fp32] [batch=1] [codec=fp32] [form=sparse] [reps=1]} (batch: {@code --merge.batch-size},
 * pages per forward/backward pass; reps: merges timed, the fastest reported). Deltas are small Gaussian perturbations (their values do not change the
 * memory); with {@code codec} {@code fp32} they are merged dense, as every dense codec's are; with a
 * sparse codec ({@code sparseloco}, {@code topk}) each is encoded at the codec's defaults and decoded
 * in {@code form} {@code sparse} (the default: {@link DeltaCodec#decodeSparse}, what the averager
 * merges now) or {@code dense} ({@link DeltaCodec#decode}, what it merged before). Deltas are built
 * one tensor at a time, so building them leaves little garbage. Pages are random tokens of the
 * model's full context. Prints the process's peak resident set (VmHWM, heap and libtorch together),
 * the bytes the deltas hold and the heap in use once they are built, against the F32 model size, the
 * merge's wall time, and the host arithmetic of one mixing pass alone (every tensor's mixed delta
 * {@code Σ α_i δ_i} and the G dot products with a gradient-sized array, as the merge forms them: {@link
 * Deltas#weightedSum} when all deltas are dense, else one accumulator per tensor), which is what G
 * and the deltas' form change; the rest is libtorch's forward and backward passes.
 */
public final class MergeBench {
    private MergeBench() {}

    public static void main(String[] args) throws Exception {
        String preset = args.length > 0 ? args[0] : "gpt2";
        int deltas = Integer.parseInt(args.length > 1 ? args[1] : "2");
        int fit = Integer.parseInt(args.length > 2 ? args[2] : "2");
        int check = Integer.parseInt(args.length > 3 ? args[3] : "2");
        int iterations = Integer.parseInt(args.length > 4 ? args[4] : "3");
        Precision precision = Precision.parse(args.length > 5 ? args[5] : "fp32");
        int batch = Integer.parseInt(args.length > 6 ? args[6] : "1");
        DeltaCodec codec = DeltaCodecs.forName(args.length > 7 ? args[7] : "fp32");
        boolean sparse = codec.decodesSparse() && !(args.length > 8 && args[8].equals("dense"));
        String form = codec.name() + (codec.decodesSparse() ? (sparse ? " sparse" : " decoded dense") : " dense");
        int reps = Integer.parseInt(args.length > 9 ? args[9] : "1");
        TorchRuntime.configure();
        GptConfig config = GptConfig.preset(preset).withDropout(0);
        double modelMib = config.parameterCount() * 4.0 / (1 << 20);
        MergeResult result = null;
        double deltaMib;
        double liveMib;
        double seconds = Double.POSITIVE_INFINITY;
        double hostSeconds = Double.POSITIVE_INFINITY;
        try (GptModel model = GptModel.create(config, 0, Device.cpu())) {
            ParameterSet base = model.parameters();
            System.err.printf(Locale.ROOT, "bench: building %d %s deltas (%s)%n", deltas, preset, form);
            List<HotkeyDelta> list = new ArrayList<>();
            List<ParameterSet> dense = sparse ? null : new ArrayList<>(); // the same sets, for the host pass
            long deltaBytes = 0;
            for (int i = 0; i < deltas; i++) {
                ParameterSet set = sparse ? null : denseDelta(base, codec, i);
                HotkeyDelta d = sparse ? new HotkeyDelta("miner-" + i, sparseDelta(base, codec, i))
                        : new HotkeyDelta("miner-" + i, set);
                if (!sparse) {
                    dense.add(set);
                }
                deltaBytes += d.delta().heapBytes();
                list.add(d);
            }
            deltaMib = deltaBytes / (double) (1 << 20);
            liveMib = liveHeapMib();
            List<int[]> pages = randomPages(config, fit + check);
            System.err.printf(Locale.ROOT, "bench: merging %d %s deltas (%d fit, %d check pages, %d iterations, %s, %s)%n",
                    deltas, preset, fit, check, iterations, precision, form);
            Merger merger = new Merger(new MergeConfig(MixingConfig.defaults().withIterations(iterations)
                    .withBatchSize(batch), batch, precision));
            for (int r = 0; r < reps; r++) {
                long mergeStart = System.nanoTime();
                result = merger.merge(model, base, list, pages.subList(0, fit), pages.subList(fit, fit + check),
                        new OuterOptimizer(0.7f, 0.9f));
                seconds = Math.min(seconds, (System.nanoTime() - mergeStart) / 1e9);
                result = result.accepted() ? result : result.withoutWeights();
            }
            for (int r = 0; r < Math.max(3, reps); r++) {
                hostSeconds = Math.min(hostSeconds, hostPassSeconds(base, list, dense));
            }
        }
        Runtime rt = Runtime.getRuntime();
        double heapMib = (rt.totalMemory() - rt.freeMemory()) / (double) (1 << 20);
        double peakMib = PeakMemory.residentMib();
        System.err.printf(Locale.ROOT, "heap in use after the merge: %.0f MiB%n", heapMib);
        System.err.flush();
        System.out.printf(Locale.ROOT, "### One averager merge: %s, %d deltas (%s), %d fit + %d check pages of %d tokens, "
                + "%d mixing iterations, batch %d, %s%n%n", preset, deltas, form, fit, check, config.nPositions(), iterations,
                batch, precision);
        System.out.println("| metric | value | x F32 model size |");
        System.out.println("|---|---:|---:|");
        System.out.printf(Locale.ROOT, "| F32 model size MiB | %,.1f | 1.00x |%n", modelMib);
        System.out.printf(Locale.ROOT, "| deltas held MiB | %,.1f | %.2fx |%n", deltaMib, deltaMib / modelMib);
        System.out.printf(Locale.ROOT, "| live heap with the deltas built MiB | %,.0f | %.2fx |%n", liveMib,
                liveMib / modelMib);
        System.out.printf(Locale.ROOT, "| peak resident MiB (process) | %,.0f | %.2fx |%n", peakMib, peakMib / modelMib);
        System.out.printf(Locale.ROOT, "| -Xmx MiB | %,.0f | %.2fx |%n", rt.maxMemory() / (double) (1 << 20),
                rt.maxMemory() / (double) (1 << 20) / modelMib);
        System.out.printf(Locale.ROOT, "| merge wall time s (fastest of %d) | %.2f | |%n", reps, seconds);
        System.out.printf(Locale.ROOT, "| host arithmetic of one mixing pass s | %.4f | |%n", hostSeconds);
        System.out.printf(Locale.ROOT, "%naccepted %s, check loss %.4f -> %.4f%n", result.accepted(),
                result.lossBefore(), result.lossAfter());
        System.out.printf(Locale.ROOT, "tsv\t%s\t%d\t%s\t%.1f\t%.0f\t%.0f\t%.2f\t%.4f%n", preset, deltas, form, deltaMib,
                liveMib, peakMib, seconds, hostSeconds);
    }

    /**
     * Returns the seconds of one mixing pass's host arithmetic: per tensor, the mixed delta as the
     * merge forms it ({@link Deltas#weightedSum} of {@code dense} when every delta is dense, else
     * one accumulator each delta adds into) and each delta's dot product with a gradient-sized array.
     */
    private static double hostPassSeconds(ParameterSet base, List<HotkeyDelta> deltas, List<ParameterSet> dense) {
        float[] alphas = new float[deltas.size()];
        java.util.Arrays.fill(alphas, 1f / deltas.size());
        long start = System.nanoTime();
        double sink = 0;
        for (NamedTensor t : base) {
            float[] mixed;
            if (dense != null) {
                mixed = Deltas.weightedSum(dense, t.name(), alphas);
            } else {
                mixed = new float[(int) t.elementCount()];
                for (int k = 0; k < deltas.size(); k++) {
                    deltas.get(k).delta().addScaled(t.name(), alphas[k], mixed);
                }
            }
            for (HotkeyDelta d : deltas) {
                sink += d.delta().dot(t.name(), mixed);
            }
        }
        if (Double.isNaN(sink)) {
            System.err.println("bench: NaN dot product");
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Returns a Gaussian perturbation of {@code t}'s shape (seeded per miner and tensor). */
    private static NamedTensor perturbation(NamedTensor t, SplittableRandom rnd) {
        float[] v = new float[(int) t.elementCount()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) (rnd.nextGaussian() * 1e-3);
        }
        return NamedTensor.ofFloats(t.name(), t.shape(), v);
    }

    /**
     * Returns miner {@code seed}'s dense delta: a perturbation, or for a sparse codec its encoding
     * decoded dense (what the averager merged before), built one tensor at a time.
     */
    private static ParameterSet denseDelta(ParameterSet like, DeltaCodec codec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor t : like) {
            NamedTensor x = perturbation(t, rnd);
            if (codec.decodesSparse()) {
                ParameterSet one = ParameterSet.builder().add(x).build();
                x = codec.decode(codec.encode(one), one).require(t.name());
            }
            out.add(x);
        }
        return out.build();
    }

    /** Returns miner {@code seed}'s perturbation encoded in {@code codec} and decoded sparse, a tensor at a time. */
    private static SparseDelta sparseDelta(ParameterSet like, DeltaCodec codec, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        List<SparseTensor> kept = new ArrayList<>();
        for (NamedTensor t : like) {
            ParameterSet one = ParameterSet.builder().add(perturbation(t, rnd)).build();
            kept.add(codec.decodeSparse(codec.encode(one), one).require(t.name()));
        }
        return new SparseDelta(kept);
    }

    /** Returns the heap in use after a full collection, in MiB. */
    private static double liveHeapMib() {
        Runtime rt = Runtime.getRuntime();
        System.gc();
        return (rt.totalMemory() - rt.freeMemory()) / (double) (1 << 20);
    }

    private static List<int[]> randomPages(GptConfig config, int count) {
        SplittableRandom rnd = new SplittableRandom(1);
        List<int[]> pages = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            pages.add(rnd.ints(config.nPositions() + 1, 0, config.vocabSize()).toArray());
        }
        return pages;
    }
}
