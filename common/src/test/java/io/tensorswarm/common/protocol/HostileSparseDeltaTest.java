package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.random;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile sparse deltas ({@code topk}, {@code sparseloco}): indices out of range or repeated, counts
 * that disagree with the header, values that are not finite, and lengths that claim huge allocations
 * are refused by both decode paths ({@link DeltaCodec#decode}, {@link DeltaCodec#decodeSparse}) with
 * the same one-line {@link DeltaCodecException}; claims of size are refused from the header alone.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class HostileSparseDeltaTest {
    private static final ParameterSet LAYOUT = set(f32("w", new long[] {2, 4}, new float[8]),
            f32("b", new long[] {3}, new float[3]));
    private static final ParameterSet ONE_CHUNK = set(f32("w", new long[] {8, 8}, new float[64]));

    /** Both decode paths refuse {@code stored} with {@code kind} on {@code tensor}, in the same one line. */
    private static DeltaCodecException refusedByBothPaths(DeltaCodec codec, ParameterSet stored, ParameterSet layout,
            Kind kind, String tensor) {
        DeltaCodecException dense = assertThrows(DeltaCodecException.class, () -> codec.decode(stored, layout));
        DeltaCodecException sparse = assertThrows(DeltaCodecException.class, () -> codec.decodeSparse(stored, layout));
        for (DeltaCodecException e : new DeltaCodecException[] {dense, sparse}) {
            assertEquals(kind, e.kind(), e.getMessage());
            assertEquals(tensor, e.tensor(), e.getMessage());
            assertFalse(e.getMessage().contains("\n") || e.getMessage().contains("\r"), "one line: " + e.getMessage());
        }
        assertEquals(dense.getMessage(), sparse.getMessage());
        return sparse;
    }

    private static NamedTensor i32(String name, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new NamedTensor(name, DType.I32, new long[] {values.length}, b.flip());
    }

    private static NamedTensor i64(String name, long... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 8).order(ByteOrder.LITTLE_ENDIAN);
        for (long v : values) {
            b.putLong(v);
        }
        return new NamedTensor(name, DType.I64, new long[] {values.length}, b.flip());
    }

    /** A valid topk delta of {@link #LAYOUT} at fraction 0.5 (at most 4 entries of w, 2 of b). */
    private static ParameterSet topk() {
        return set(i32("w.__idx", 1, 6), f32("w.__val", new long[] {2}, 1f, -2f), i32("b.__idx", 2),
                f32("b.__val", new long[] {1}, 3f)).toBuilder()
                .putMetadata(DeltaMetadata.CODEC, TopKCodec.NAME).putMetadata(TopKCodec.FRACTION_KEY, "0.5").build();
    }

    private static ParameterSet topkWith(NamedTensor... replaced) {
        ParameterSet.Builder b = topk().toBuilder();
        for (NamedTensor t : replaced) {
            b.put(t);
        }
        return b.build();
    }

    /** A sparseloco delta of one 64-value chunk keeping 4: levels 4 bytes, codes 1, low bits 2, high bits 1. */
    private static byte[] record() {
        ParameterSet stored = new SparseLocoCodec(64, 4).encode(set(f32("w", new long[] {8, 8}, random(64, 1))));
        ByteBuffer b = stored.require("w" + SparseLocoCodec.SUFFIX).data();
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    private static ParameterSet sparseloco(byte[] record) {
        return set(new NamedTensor("w" + SparseLocoCodec.SUFFIX, DType.U8, new long[] {record.length},
                ByteBuffer.wrap(record))).toBuilder()
                .putMetadata(DeltaMetadata.CODEC, SparseLocoCodec.NAME)
                .putMetadata(SparseLocoCodec.CHUNK_KEY, "64").putMetadata(SparseLocoCodec.KEEP_KEY, "4").build();
    }

    /** The record with low parts 0, 1, 2, 3 and the given high-bit byte. */
    private static byte[] positions(int highBits) {
        byte[] r = record();
        r[5] = 0x10;
        r[6] = 0x32;
        r[7] = (byte) highBits;
        return r;
    }

    @Test
    void theValidFixturesDecodeOnBothPaths() {
        assertEquals(-2f, new TopKCodec().decodeSparse(topk(), LAYOUT).require("w").toFloats()[6]);
        assertEquals(4, new SparseLocoCodec().decodeSparse(sparseloco(positions(0b0000_1111)), ONE_CHUNK)
                .require("w").nonZeros());
    }

    @Test
    void topkRefusesIndicesOutsideTheTensor() {
        String idx = "w.__idx";
        assertTrue(refusedByBothPaths(new TopKCodec(), topkWith(i32(idx, 1, 8)), LAYOUT, Kind.BAD_INDEX, idx)
                .getMessage().contains("outside [0, 8)"));
        refusedByBothPaths(new TopKCodec(), topkWith(i32(idx, -1, 3)), LAYOUT, Kind.BAD_INDEX, idx);
        refusedByBothPaths(new TopKCodec(), topkWith(i64(idx, 1, 1L << 40)), LAYOUT, Kind.BAD_INDEX, idx);
        refusedByBothPaths(new TopKCodec(), topkWith(i64(idx, 1L << 32, 1)), LAYOUT, Kind.BAD_INDEX, idx);
    }

    @Test
    void topkRefusesRepeatedAndDescendingIndices() {
        String idx = "w.__idx";
        assertTrue(refusedByBothPaths(new TopKCodec(), topkWith(i32(idx, 3, 3)), LAYOUT, Kind.BAD_INDEX, idx)
                .getMessage().contains("not above the previous index 3"));
        refusedByBothPaths(new TopKCodec(), topkWith(i32(idx, 5, 2)), LAYOUT, Kind.BAD_INDEX, idx);
    }

    @Test
    void topkRefusesCountsThatDisagreeWithEachOtherOrTheFraction() {
        refusedByBothPaths(new TopKCodec(), topkWith(f32("w.__val", new long[] {3}, 1f, 2f, 3f)), LAYOUT, Kind.SHAPE,
                "w.__val");
        refusedByBothPaths(new TopKCodec(), topkWith(i32("b.__idx", 0, 1, 2), f32("b.__val", new long[] {3}, 1f, 1f, 1f)),
                LAYOUT, Kind.BAD_INDEX, "b.__idx");
        NamedTensor square = new NamedTensor("w.__idx", DType.I32, new long[] {1, 2}, i32("x", 1, 6).data());
        refusedByBothPaths(new TopKCodec(), topkWith(square), LAYOUT, Kind.SHAPE, "w.__idx");
    }

    @Test
    void topkRefusesValuesThatAreNotFinite() {
        for (float bad : new float[] {Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            refusedByBothPaths(new TopKCodec(), topkWith(f32("w.__val", new long[] {2}, 1f, bad)), LAYOUT,
                    Kind.NON_FINITE, "w.__val");
        }
        ByteBuffer bf16Infinity = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putShort((short) 0x3F80)
                .putShort((short) 0x7F80).flip();
        refusedByBothPaths(new TopKCodec(), topkWith(new NamedTensor("w.__val", DType.BF16, new long[] {2}, bf16Infinity)),
                LAYOUT, Kind.NON_FINITE, "w.__val");
    }

    @Test
    void topkRefusesAFractionThatIsNotAPlainDecimalOnOneLine() {
        for (String bad : new String[] {"0.5\nx", "5e-1", "1.0000000001", "0"}) {
            ParameterSet stored = topk().toBuilder().putMetadata(TopKCodec.FRACTION_KEY, bad).build();
            refusedByBothPaths(new TopKCodec(), stored, LAYOUT, Kind.BAD_PARAMETER, null);
        }
    }

    @Test
    void topkRefusesAHeaderClaimingHugeTensorsBeforeAnyDataIsRead() {
        long huge = 1L << 40;
        SafetensorsHeader claim = SafetensorsHeader.builder().add("w.__idx", DType.I64, new long[] {huge})
                .add("w.__val", DType.F32, new long[] {huge}).add("b.__idx", DType.I32, new long[] {1})
                .add("b.__val", DType.F32, new long[] {1}).putAllMetadata(topk().metadata()).build();
        DeltaCodecException e = assertThrows(DeltaCodecException.class, () -> new TopKCodec().checkHeader(claim, LAYOUT));
        assertEquals(Kind.BAD_INDEX, e.kind());
        assertTrue(e.getMessage().contains("holds " + huge + " indices"), e.getMessage());
        SafetensorsHeader valuesClaim = SafetensorsHeader.builder().add("w.__idx", DType.I32, new long[] {2})
                .add("w.__val", DType.F32, new long[] {huge}).add("b.__idx", DType.I32, new long[] {1})
                .add("b.__val", DType.F32, new long[] {1}).putAllMetadata(topk().metadata()).build();
        e = assertThrows(DeltaCodecException.class, () -> new TopKCodec().checkHeader(valuesClaim, LAYOUT));
        assertEquals(Kind.SHAPE, e.kind());
        assertEquals("w.__val", e.tensor());
    }

    @Test
    void sparselocoRefusesPositionsOutsideTheChunk() {
        // the fourth position's high part is 7 - 3 = 4: position 4 * 16 + 3 = 67
        DeltaCodecException e = refusedByBothPaths(new SparseLocoCodec(), sparseloco(positions(0b1000_0111)), ONE_CHUNK,
                Kind.BAD_INDEX, "w" + SparseLocoCodec.SUFFIX);
        assertTrue(e.getMessage().contains("position 67 outside [0, 64)"), e.getMessage());
    }

    @Test
    void sparselocoRefusesRepeatedPositions() {
        byte[] repeated = record(); // every low part 0 and every high part 0: positions 0, 0, 0, 0
        repeated[5] = 0;
        repeated[6] = 0;
        repeated[7] = 0b0000_1111;
        DeltaCodecException e = refusedByBothPaths(new SparseLocoCodec(), sparseloco(repeated), ONE_CHUNK, Kind.BAD_INDEX,
                "w" + SparseLocoCodec.SUFFIX);
        assertTrue(e.getMessage().contains("not above the previous 0"), e.getMessage());
    }

    @Test
    void sparselocoRefusesRecordsHoldingMoreOrFewerPositionsThanTheirCount() {
        String name = "w" + SparseLocoCodec.SUFFIX;
        assertTrue(refusedByBothPaths(new SparseLocoCodec(), sparseloco(positions(0xFF)), ONE_CHUNK, Kind.BAD_INDEX, name)
                .getMessage().contains("more than 4 positions"));
        assertTrue(refusedByBothPaths(new SparseLocoCodec(), sparseloco(positions(0b0000_0111)), ONE_CHUNK,
                Kind.BAD_INDEX, name).getMessage().contains("3 positions, expected 4"));
        byte[] longer = java.util.Arrays.copyOf(record(), 9);
        refusedByBothPaths(new SparseLocoCodec(), sparseloco(longer), ONE_CHUNK, Kind.SHAPE, name);
    }

    @Test
    void sparselocoRefusesLevelsThatAreNotFiniteOrNotOrdered() {
        String name = "w" + SparseLocoCodec.SUFFIX;
        short[][] levels = {{(short) 0x7FC0, 0x3F80}, {0x3F80, (short) 0x7F80}, {(short) 0xBF80, 0x3F80},
            {0x4000, 0x3F80}};
        for (short[] lh : levels) { // NaN lo, infinite hi, negative lo, lo above hi
            byte[] r = positions(0b0000_1111);
            ByteBuffer.wrap(r).order(ByteOrder.LITTLE_ENDIAN).putShort(lh[0]).putShort(lh[1]);
            refusedByBothPaths(new SparseLocoCodec(), sparseloco(r), ONE_CHUNK, Kind.NON_FINITE, name);
        }
    }

    @Test
    void sparselocoRefusesAHeaderClaimingAHugeRecordOrChunkBeforeAnyDataIsRead() {
        ParameterSet valid = sparseloco(positions(0b0000_1111));
        SafetensorsHeader claim = SafetensorsHeader.builder().add("w" + SparseLocoCodec.SUFFIX, DType.U8,
                new long[] {1L << 40}).putAllMetadata(valid.metadata()).build();
        DeltaCodecException e = assertThrows(DeltaCodecException.class,
                () -> new SparseLocoCodec().checkHeader(claim, ONE_CHUNK));
        assertEquals(Kind.SHAPE, e.kind());
        for (String[] parameters : new String[][] {{"1073741824", "4"}, {"64", "65"}, {"64", "0"}, {"64", "4e0"},
            {"64\n", "4"}}) {
            ParameterSet bad = valid.toBuilder().putMetadata(SparseLocoCodec.CHUNK_KEY, parameters[0])
                    .putMetadata(SparseLocoCodec.KEEP_KEY, parameters[1]).build();
            refusedByBothPaths(new SparseLocoCodec(), bad, ONE_CHUNK, Kind.BAD_PARAMETER, null);
        }
    }

    @Test
    void untrustedTensorNamesAreQuotedOnOneLine() {
        ParameterSet extra = topk().toBuilder().add(f32("evil\nname\r", new long[] {1}, 1f)).build();
        DeltaCodecException e = refusedByBothPaths(new TopKCodec(), extra, LAYOUT, Kind.UNEXPECTED_TENSOR, "evil\nname\r");
        assertTrue(e.getMessage().contains("evil\\u000aname\\u000d"), e.getMessage());
        ParameterSet extraSparse = sparseloco(record()).toBuilder().add(f32("x\ny", new long[] {1}, 1f)).build();
        refusedByBothPaths(new SparseLocoCodec(), extraSparse, ONE_CHUNK, Kind.UNEXPECTED_TENSOR, "x\ny");
    }

    @Test
    void aSparseTensorBuiltByHandIsCheckedLikeADecodedOne() {
        long[] shape = {2, 4};
        assertThrows(IllegalArgumentException.class, () -> SparseTensor.of("w", shape, new int[] {1, 8}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> SparseTensor.of("w", shape, new int[] {-1}, new float[1]));
        assertThrows(IllegalArgumentException.class, () -> SparseTensor.of("w", shape, new int[] {3, 3}, new float[2]));
        assertThrows(IllegalArgumentException.class, () -> SparseTensor.of("w", shape, new int[] {1, 2}, new float[1]));
        assertThrows(IllegalArgumentException.class,
                () -> SparseTensor.of("w", shape, new int[] {1}, new float[] {Float.NaN}));
        assertThrows(IllegalArgumentException.class,
                () -> SparseTensor.of("w", new long[] {1L << 16, 1L << 16}, new int[0], new float[0]));
    }
}
