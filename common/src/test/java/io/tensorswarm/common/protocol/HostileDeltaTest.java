package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Stored deltas a hostile miner could upload: each decodes to a typed error naming the tensor. */
class HostileDeltaTest {
    private final ParameterSet layout = set(f32("w", new long[] {2, 4}, new float[8]), f32("b", new long[] {3}, new float[3]));

    private static DeltaCodecException decodeFails(DeltaCodec codec, ParameterSet stored, ParameterSet layout) {
        return assertThrows(DeltaCodecException.class, () -> codec.decode(stored, layout));
    }

    private static NamedTensor i32(String name, int... values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return new NamedTensor(name, DType.I32, new long[] {values.length}, b.flip());
    }

    private static NamedTensor i8(String name, long[] shape, byte... values) {
        return new NamedTensor(name, DType.I8, shape, ByteBuffer.wrap(values));
    }

    private static ParameterSet topk(NamedTensor... tensors) {
        return set(tensors).toBuilder().putMetadata("tensorswarm.codec", "topk")
                .putMetadata(TopKCodec.FRACTION_KEY, "0.5").build();
    }

    private ParameterSet int8(NamedTensor wScale) {
        return set(i8("w", new long[] {2, 4}, new byte[8]), wScale, i8("b", new long[] {3}, new byte[3]),
                f32("b.__scale", new long[] {1}, 1f))
                .toBuilder().putMetadata("tensorswarm.codec", "int8").putMetadata(Int8BlockCodec.BLOCK_SIZE_KEY, "4").build();
    }

    @Test
    void denseCodecsRejectWrongShapesMissingAndExtraTensors() {
        ParameterSet good = new Fp32Codec().encode(layout);
        ParameterSet wrongShape = good.toBuilder().put(f32("w", new long[] {4, 2}, new float[8])).build();
        DeltaCodecException e = decodeFails(new Fp32Codec(), wrongShape, layout);
        assertEquals(Kind.SHAPE, e.kind());
        assertEquals("w", e.tensor());

        ParameterSet missing = set(good.require("w")).toBuilder().putAllMetadata(good.metadata()).build();
        assertEquals(Kind.MISSING_TENSOR, decodeFails(new Fp32Codec(), missing, layout).kind());

        ParameterSet extra = good.toBuilder().add(f32("evil", new long[] {1}, 1f)).build();
        e = decodeFails(new Fp32Codec(), extra, layout);
        assertEquals(Kind.UNEXPECTED_TENSOR, e.kind());
        assertEquals("evil", e.tensor());

        assertEquals(Kind.DTYPE, decodeFails(new Bf16Codec(), good.toBuilder()
                .putMetadata("tensorswarm.codec", "bf16").build(), layout).kind());
    }

    @Test
    void decodingRefusesAMissingOrDifferentCodecName() {
        ParameterSet bf16 = new Bf16Codec().encode(layout);
        assertEquals(Kind.CODEC_MISMATCH, decodeFails(new Fp32Codec(), bf16, layout).kind());
        ParameterSet unnamed = set(bf16.tensors().toArray(new NamedTensor[0]));
        assertEquals(Kind.UNKNOWN_CODEC, decodeFails(new Bf16Codec(), unnamed, layout).kind());
    }

    @Test
    void denseCodecsRejectNonFiniteValues() {
        ParameterSet stored = new Fp32Codec().encode(layout).toBuilder()
                .put(f32("b", new long[] {3}, 0f, Float.POSITIVE_INFINITY, 0f)).build();
        DeltaCodecException e = decodeFails(new Fp32Codec(), stored, layout);
        assertEquals(Kind.NON_FINITE, e.kind());
        assertEquals("b", e.tensor());
    }

    @Test
    void int8RejectsMissingNaNNegativeAndMisshapenScales() {
        assertEquals(8, new Int8BlockCodec().decode(int8(f32("w.__scale", new long[] {2}, 1f, 0.5f)), layout)
                .require("w").elementCount());

        ParameterSet missing = int8(f32("w.__scale", new long[] {2}, 1f, 1f)).toBuilder().build();
        ParameterSet.Builder without = ParameterSet.builder().putAllMetadata(missing.metadata());
        missing.tensors().stream().filter(t -> !t.name().equals("w.__scale")).forEach(without::add);
        DeltaCodecException e = decodeFails(new Int8BlockCodec(), without.build(), layout);
        assertEquals(Kind.MISSING_TENSOR, e.kind());
        assertEquals("w.__scale", e.tensor());

        e = decodeFails(new Int8BlockCodec(), int8(f32("w.__scale", new long[] {2}, Float.NaN, 1f)), layout);
        assertEquals(Kind.NON_FINITE, e.kind());
        assertEquals("w.__scale", e.tensor());
        assertEquals(Kind.NON_FINITE,
                decodeFails(new Int8BlockCodec(), int8(f32("w.__scale", new long[] {2}, -1f, 1f)), layout).kind());
        assertEquals(Kind.SHAPE,
                decodeFails(new Int8BlockCodec(), int8(f32("w.__scale", new long[] {3}, 1f, 1f, 1f)), layout).kind());
    }

    @Test
    void int8RejectsScalesThatOverflowAndBadBlockSizes() {
        ParameterSet huge = int8(f32("w.__scale", new long[] {2}, Float.MAX_VALUE, 1f)).toBuilder()
                .put(i8("w", new long[] {2, 4}, new byte[] {127, 0, 0, 0, 0, 0, 0, 0})).build();
        assertEquals(Kind.NON_FINITE, decodeFails(new Int8BlockCodec(), huge, layout).kind());
        for (String bad : new String[] {"0", "-4", "4.0", "99999999999", " 4", "abc"}) {
            ParameterSet stored = int8(f32("w.__scale", new long[] {2}, 1f, 1f)).toBuilder()
                    .putMetadata(Int8BlockCodec.BLOCK_SIZE_KEY, bad).build();
            assertEquals(Kind.BAD_PARAMETER, decodeFails(new Int8BlockCodec(), stored, layout).kind(), bad);
        }
    }

    @Test
    void topkRejectsOutOfRangeDuplicateAndDescendingIndices() {
        ParameterSet valid = topk(i32("w.__idx", 0, 7), f32("w.__val", new long[] {2}, 1f, 2f),
                i32("b.__idx", 2), f32("b.__val", new long[] {1}, 3f));
        assertEquals(2f, new TopKCodec().decode(valid, layout).require("w").toFloats()[7]);

        int[][] badW = {{0, 8}, {-1, 3}, {3, 3}, {5, 2}};
        for (int[] idx : badW) {
            ParameterSet stored = valid.toBuilder().put(i32("w.__idx", idx)).build();
            DeltaCodecException e = decodeFails(new TopKCodec(), stored, layout);
            assertEquals(Kind.BAD_INDEX, e.kind());
            assertEquals("w.__idx", e.tensor());
        }
    }

    @Test
    void topkRejectsMoreEntriesThanTheFractionAllowsAndMismatchedValueCounts() {
        // b has 3 values; fraction 0.5 keeps at most 2.
        ParameterSet tooMany = topk(i32("w.__idx", 0), f32("w.__val", new long[] {1}, 1f),
                i32("b.__idx", 0, 1, 2), f32("b.__val", new long[] {3}, 1f, 1f, 1f));
        assertEquals(Kind.BAD_INDEX, decodeFails(new TopKCodec(), tooMany, layout).kind());
        ParameterSet beyondN = tooMany.toBuilder().putMetadata(TopKCodec.FRACTION_KEY, "1")
                .put(i32("b.__idx", 0, 1, 2, 3)).put(f32("b.__val", new long[] {4}, 1f, 1f, 1f, 1f)).build();
        assertEquals(Kind.BAD_INDEX, decodeFails(new TopKCodec(), beyondN, layout).kind());
        ParameterSet mismatched = tooMany.toBuilder().put(i32("b.__idx", 0)).build();
        DeltaCodecException e = decodeFails(new TopKCodec(), mismatched, layout);
        assertEquals(Kind.SHAPE, e.kind());
        assertEquals("b.__val", e.tensor());
    }

    @Test
    void topkRejectsNonFiniteValuesBadFractionsAndFloatIndices() {
        ParameterSet valid = topk(i32("w.__idx", 0), f32("w.__val", new long[] {1}, 1f),
                i32("b.__idx", 2), f32("b.__val", new long[] {1}, 3f));
        assertEquals(Kind.NON_FINITE, decodeFails(new TopKCodec(),
                valid.toBuilder().put(f32("b.__val", new long[] {1}, Float.NaN)).build(), layout).kind());
        for (String bad : new String[] {"0", "1.5", "-0.1", "1e-2", "NaN", ""}) {
            ParameterSet stored = valid.toBuilder().putMetadata(TopKCodec.FRACTION_KEY, bad).build();
            assertEquals(Kind.BAD_PARAMETER, decodeFails(new TopKCodec(), stored, layout).kind(), bad);
        }
        ParameterSet floatIdx = valid.toBuilder().put(f32("w.__idx", new long[] {1}, 0f)).build();
        assertEquals(Kind.DTYPE, decodeFails(new TopKCodec(), floatIdx, layout).kind());
    }

    @Test
    void topkAcceptsWideIndicesButRejectsOnesBeyondTheTensor() {
        ByteBuffer wide = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(1L << 40).flip();
        ParameterSet stored = topk(new NamedTensor("w.__idx", DType.I64, new long[] {1}, wide),
                f32("w.__val", new long[] {1}, 1f), i32("b.__idx", 2), f32("b.__val", new long[] {1}, 3f));
        assertEquals(Kind.BAD_INDEX, decodeFails(new TopKCodec(), stored, layout).kind());
        ByteBuffer ok = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(6).flip();
        ParameterSet fine = stored.toBuilder().put(new NamedTensor("w.__idx", DType.I64, new long[] {1}, ok)).build();
        assertEquals(1f, new TopKCodec().decode(fine, layout).require("w").toFloats()[6]);
    }
}
