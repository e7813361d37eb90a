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
 * [precision=fp32] [batch=1] [codec=fp32] [form]} (batch: {@code --merge.batch-size}, pages per
 * forward/backward pass). Deltas are small Gaussian perturbations (their values do not change the
 * memory); with {@code codec} {@code fp32} they are merged dense, as every dense codec's are; with a
 * sparse codec ({@code sparseloco}, {@code topk}) each is encoded at the codec's defaults and decoded
 * in {@code form} {@code sparse} (the default: {@link DeltaCodec#decodeSparse}, what the averager
 * merges now) or {@code dense} ({@link DeltaCodec#decode}, what it merged before). Deltas are built
 * one tensor at a time, so building them leaves little garbage. Pages are random tokens of the
 * model's full context. Prints the process's peak resident set (VmHWM, heap and libtorch together),
 * the bytes the deltas hold and the heap in use once they are built, against the F32 model size.
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
        TorchRuntime.configure();
        GptConfig config = GptConfig.preset(preset).withDropout(0);
        double modelMib = config.parameterCount() * 4.0 / (1 << 20);
        long start = System.nanoTime();
        MergeResult result;
        double deltaMib;
        double liveMib;
        try (GptModel model = GptModel.create(config, 0, Device.cpu())) {
            ParameterSet base = model.parameters();
            System.err.printf(Locale.ROOT, "bench: building %d %s deltas (%s)%n", deltas, preset, form);
            List<HotkeyDelta> list = new ArrayList<>();
            long deltaBytes = 0;
            for (int i = 0; i < deltas; i++) {
                HotkeyDelta d = delta("miner-" + i, base, codec, sparse, i);
                deltaBytes += d.delta().heapBytes();
                list.add(d);
            }
            deltaMib = deltaBytes / (double) (1 << 20);
            liveMib = liveHeapMib();
            List<int[]> pages = randomPages(config, fit + check);
            System.err.printf(Locale.ROOT, "bench: merging %d %s deltas (%d fit, %d check pages, %d iterations, %s, %s)%n",
                    deltas, preset, fit, check, iterations, precision, form);
            long mergeStart = System.nanoTime();
            result = new Merger(new MergeConfig(MixingConfig.defaults().withIterations(iterations).withBatchSize(batch), batch,
                    precision))
                    .merge(model, base, list, pages.subList(0, fit), pages.subList(fit, fit + check),
                            new OuterOptimizer(0.7f, 0.9f));
            start = mergeStart;
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Runtime rt = Runtime.getRuntime();
        double heapMib = (rt.totalMemory() - rt.freeMemory()) / (double) (1 << 20);
        double peakMib = PeakMemory.residentMib();
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
        System.out.printf(Locale.ROOT, "| merge wall time s | %.2f | |%n", seconds);
        System.out.printf(Locale.ROOT, "%naccepted %s, check loss %.4f -> %.4f%n", result.accepted(),
                result.lossBefore(), result.lossAfter());
        System.out.printf(Locale.ROOT, "tsv\t%s\t%d\t%s\t%.1f\t%.0f\t%.0f\t%.2f%n", preset, deltas, form, deltaMib, liveMib,
                peakMib, seconds);
        System.err.printf(Locale.ROOT, "heap in use after the merge: %.0f MiB%n", heapMib);
    }

    /**
     * Returns miner {@code seed}'s delta: a Gaussian perturbation, dense for a dense codec, else
     * encoded and decoded one tensor at a time, kept sparse or decoded dense.
     */
    private static HotkeyDelta delta(String hotkey, ParameterSet like, DeltaCodec codec, boolean sparse, long seed) {
        SplittableRandom rnd = new SplittableRandom(seed);
        ParameterSet.Builder dense = ParameterSet.builder();
        List<SparseTensor> kept = new ArrayList<>();
        for (NamedTensor t : like) {
            float[] v = new float[(int) t.elementCount()];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (rnd.nextGaussian() * 1e-3);
            }
            NamedTensor x = NamedTensor.ofFloats(t.name(), t.shape(), v);
            if (!codec.decodesSparse()) {
                dense.add(x);
                continue;
            }
            ParameterSet one = ParameterSet.builder().add(x).build();
            ParameterSet stored = codec.encode(one);
            if (sparse) {
                kept.add(codec.decodeSparse(stored, one).require(t.name()));
            } else {
                dense.add(codec.decode(stored, one).require(t.name()));
            }
        }
        return sparse ? new HotkeyDelta(hotkey, new SparseDelta(kept)) : new HotkeyDelta(hotkey, dense.build());
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
