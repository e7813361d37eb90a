package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.bytes;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.random;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.Device;
import io.tensorswarm.common.model.GptConfig;
import io.tensorswarm.common.model.GptModel;
import io.tensorswarm.common.model.TorchRuntime;
import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.train.TrainConfig;
import io.tensorswarm.common.train.Trainer;
import io.tensorswarm.common.train.TrainingListener;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class SparseLocoCodecTest {
    private static final ParameterSet ONE_CHUNK = set(f32("w", new long[] {8, 8}, new float[64]));

    /** Returns a stored delta of one tensor "w" with the given record bytes and parameters. */
    private static ParameterSet stored(byte[] record, int chunk, int keep) {
        return set(new NamedTensor("w" + SparseLocoCodec.SUFFIX, DType.U8, new long[] {record.length},
                ByteBuffer.wrap(record))).toBuilder()
                .putMetadata(DeltaMetadata.CODEC, SparseLocoCodec.NAME)
                .putMetadata(SparseLocoCodec.CHUNK_KEY, Integer.toString(chunk))
                .putMetadata(SparseLocoCodec.KEEP_KEY, Integer.toString(keep)).build();
    }

    private static byte[] record(ParameterSet stored) {
        ByteBuffer b = stored.require("w" + SparseLocoCodec.SUFFIX).data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static DeltaCodecException decodeFails(byte[] record, int chunk, int keep) {
        return assertThrows(DeltaCodecException.class,
                () -> new SparseLocoCodec().decode(stored(record, chunk, keep), ONE_CHUNK));
    }

    @Test
    void keepsTheLargestOfEachChunkAsTwoLevelsWithTheirSigns() {
        float[] x = new float[64];
        x[3] = 4f;
        x[10] = -3f;
        x[20] = 2f;
        x[63] = -1f;
        x[40] = 0.5f; // fifth largest: dropped
        ParameterSet delta = set(f32("w", new long[] {8, 8}, x));
        SparseLocoCodec codec = new SparseLocoCodec(64, 4);

        ParameterSet stored = codec.encode(delta);
        float[] back = codec.decode(stored, delta).require("w").toFloats();

        float[] expected = new float[64];
        expected[3] = 3.5f; // hi = mean(4, 3)
        expected[10] = -3.5f;
        expected[20] = 1.5f; // lo = mean(2, 1)
        expected[63] = -1.5f;
        assertArrayEquals(expected, back);
        assertEquals(8, record(stored).length, "4 level bytes, 1 code byte, 2 low-bit bytes, 1 high-bit byte");
    }

    @Test
    void aShortLastChunkKeepsItsShareAndEveryChunkDecodesInPlace() {
        float[] x = random(300, 7); // chunks of 128, 128, 44
        ParameterSet delta = set(f32("w", new long[] {300}, x));
        SparseLocoCodec codec = new SparseLocoCodec(128, 8);
        float[] back = codec.decode(codec.encode(delta), delta).require("w").toFloats();

        int[] keptPerChunk = {8, 8, 3}; // ceil(8 * 44 / 128) = 3
        for (int c = 0; c < 3; c++) {
            int from = c * 128;
            int to = Math.min(300, from + 128);
            List<Integer> order = new ArrayList<>(IntStream.range(from, to).boxed().toList());
            order.sort(Comparator.comparing((Integer i) -> -Math.abs(x[i])).thenComparing(i -> i));
            for (int r = 0; r < order.size(); r++) {
                int i = order.get(r);
                if (r < keptPerChunk[c]) {
                    assertEquals(Math.signum(x[i]), Math.signum(back[i]), "kept value " + i + " keeps its sign");
                } else {
                    assertEquals(0f, back[i], "dropped value " + i);
                }
            }
        }
    }

    @Test
    void selectionAgreesWithSortingOnInputsWithTies() {
        SplittableRandom r = new SplittableRandom(11);
        int[] scratch = new int[4096];
        for (int trial = 0; trial < 50; trial++) {
            float[] x = new float[4096];
            for (int i = 0; i < x.length; i++) {
                x[i] = (r.nextInt(40) - 20) / 8f; // many ties, both signs and zeros
            }
            int k = 1 + r.nextInt(200);
            int[] expected = IntStream.range(0, x.length).boxed()
                    .sorted(Comparator.comparing((Integer i) -> -Math.abs(x[i])).thenComparing(i -> i)).limit(k)
                    .mapToInt(Integer::intValue).sorted().toArray();
            assertArrayEquals(expected, TopKSelection.largestMagnitudes(x, 0, x.length, k, scratch),
                    "trial " + trial);
        }
    }

    /** Issue 12: at least 146x fewer file bytes than the fp32 delta, header included, on a real delta. */
    @Test
    void aTrainedTinyDeltaIsAtLeast146TimesSmallerThanItsFp32FileAndErrorFeedbackCarriesTheRest()
            throws IOException {
        TorchRuntime.configure();
        GptConfig config = GptConfig.preset("tiny").withDropout(0);
        ParameterSet delta;
        try (GptModel model = GptModel.create(config, 3, Device.cpu())) {
            GptModel.Snapshot base = model.snapshot();
            Random random = new Random(5);
            List<int[]> pages = new ArrayList<>();
            for (int p = 0; p < 16; p++) {
                pages.add(random.ints(config.nPositions() + 1, 0, config.vocabSize()).toArray());
            }
            try (Trainer trainer = new Trainer(model, TrainConfig.defaults().withSteps(8).withBatchSize(4))) {
                trainer.train(pages, TrainingListener.NONE);
            }
            delta = model.deltaFrom(base);
            base.close();
        }
        long fp32 = bytes(new Fp32Codec().encode(delta)).length;
        ParameterSet stored = new SparseLocoCodec().encode(delta);
        long sparse = bytes(stored).length;
        double ratio = (double) fp32 / sparse;
        System.out.printf("[measured] tiny delta: fp32 %,d bytes, sparseloco %,d bytes: %.1fx%n", fp32, sparse, ratio);
        assertTrue(ratio >= 146, "ratio " + ratio);

        // Error feedback: what one round leaves out is sent in later rounds.
        ErrorFeedback feedback = ErrorFeedback.empty();
        double[] sent = new double[(int) delta.elementCount()];
        double firstCosine = 0;
        for (int round = 1; round <= 20; round++) {
            ParameterSet decoded = new SparseLocoCodec().decode(feedback.encode(new SparseLocoCodec(), delta), delta);
            int i = 0;
            for (NamedTensor t : decoded) {
                for (float v : t.toFloats()) {
                    sent[i++] += v;
                }
            }
            double cosine = cosine(sent, delta, round);
            if (round == 1) {
                firstCosine = cosine;
            } else if (round == 20) {
                // Without the residual every round resends the same top values and the cosine stays put.
                assertTrue(cosine > 0.6 && cosine > 2 * firstCosine,
                        "cosine of what was sent to what was trained: round 1 " + firstCosine + ", round 20 " + cosine);
            }
        }
    }

    private static double cosine(double[] sent, ParameterSet delta, int rounds) {
        double dot = 0;
        double a = 0;
        double b = 0;
        int i = 0;
        for (NamedTensor t : delta) {
            for (float v : t.toFloats()) {
                double want = (double) v * rounds;
                dot += sent[i] * want;
                a += sent[i] * sent[i];
                b += want * want;
                i++;
            }
        }
        return dot / Math.sqrt(a * b);
    }

    @Test
    void refusesNonFiniteAndNonCanonicalLevels() {
        byte[] good = record(new SparseLocoCodec(64, 4).encode(set(f32("w", new long[] {8, 8}, random(64, 1)))));
        byte[] nan = good.clone();
        nan[0] = (byte) 0xC0;
        nan[1] = (byte) 0x7F;
        assertEquals(Kind.NON_FINITE, decodeFails(nan, 64, 4).kind());
        byte[] swapped = good.clone();
        swapped[0] = good[2];
        swapped[1] = good[3];
        swapped[2] = good[0];
        swapped[3] = good[1];
        DeltaCodecException e = decodeFails(swapped, 64, 4);
        assertEquals(Kind.NON_FINITE, e.kind());
        assertTrue(e.getMessage().contains("0 <= lo <= hi"), e.getMessage());
    }

    @Test
    void refusesTooManyTooFewRepeatedAndOutOfRangePositions() {
        // Chunk 64, keep 4: low bits l = 4; record = levels 4 | codes 1 | low 2 | high 1 (8 bits).
        byte[] good = record(new SparseLocoCodec(64, 4).encode(set(f32("w", new long[] {8, 8}, random(64, 1)))));
        byte[] ascending = good.clone(); // low parts 0, 1, 2, 3
        ascending[5] = 0x10;
        ascending[6] = 0x32;
        byte[] tooMany = ascending.clone();
        tooMany[7] = (byte) 0xFF;
        assertTrue(decodeFails(tooMany, 64, 4).getMessage().contains("more than 4 positions"));

        byte[] tooFew = ascending.clone();
        tooFew[7] = 0b0000_0111;
        assertTrue(decodeFails(tooFew, 64, 4).getMessage().contains("3 positions, expected 4"));

        byte[] repeated = good.clone(); // high parts all 0 and every low part 0: positions 0, 0, 0, 0
        repeated[5] = 0;
        repeated[6] = 0;
        repeated[7] = 0b0000_1111;
        DeltaCodecException e = decodeFails(repeated, 64, 4);
        assertEquals(Kind.BAD_INDEX, e.kind());
        assertTrue(e.getMessage().contains("not above the previous 0"), e.getMessage());

        byte[] outside = ascending.clone(); // the fourth position's high part is 7 - 3 = 4: 64 or more
        outside[7] = (byte) 0b1000_0111;
        e = decodeFails(outside, 64, 4);
        assertEquals(Kind.BAD_INDEX, e.kind());
        assertTrue(e.getMessage().contains("outside [0, 64)"), e.getMessage());
        assertEquals("w" + SparseLocoCodec.SUFFIX, e.tensor());
    }

    @Test
    void refusesNonZeroPaddingSoEachDecodedChunkHasOneStoredForm() {
        // Chunk 64, keep 3: 6 code bits, 12 low bits and 7 high bits leave padding in each field.
        byte[] good = record(new SparseLocoCodec(64, 3).encode(set(f32("w", new long[] {8, 8}, random(64, 2)))));
        assertEquals(4 + 1 + 2 + 1, good.length);
        for (int at : new int[] {4, 6, 7}) {
            byte[] padded = good.clone();
            padded[at] |= (byte) 0x80;
            DeltaCodecException e = decodeFails(padded, 64, 3);
            assertTrue(e.getMessage().contains("padding bits"), e.getMessage());
        }
    }

    @Test
    void theHeaderFixesEveryTensorsLengthAndTheParameters() {
        byte[] good = record(new SparseLocoCodec(64, 4).encode(set(f32("w", new long[] {8, 8}, random(64, 1)))));
        DeltaCodecException e = decodeFails(Arrays.copyOf(good, good.length + 1), 64, 4);
        assertEquals(Kind.SHAPE, e.kind());
        e = assertThrows(DeltaCodecException.class, () -> new SparseLocoCodec().checkHeader(
                SafetensorsHeader.describing(stored(Arrays.copyOf(good, 1 << 20), 64, 4)),
                ONE_CHUNK));
        assertEquals(Kind.SHAPE, e.kind(), "a claimed megabyte is refused from the header alone");
        assertEquals(Kind.BAD_PARAMETER, decodeFails(good, 32, 4).kind(), "chunk below the minimum");
        assertEquals(Kind.BAD_PARAMETER, decodeFails(good, 64, 65).kind(), "keep above the chunk");
        assertThrows(IllegalArgumentException.class, () -> new SparseLocoCodec(64, 0));
    }
}
