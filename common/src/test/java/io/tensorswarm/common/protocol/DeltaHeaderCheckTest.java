package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaCodecsTest.f32;
import static io.tensorswarm.common.protocol.DeltaCodecsTest.set;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.ParameterSet;
import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link DeltaCodec#checkHeader}: the codecs' structural rules applied to a header alone, before any
 * tensor byte exists, and {@link DeltaFileBounds}: what a codec can write for a layout.
 */
@Timeout(30)
class DeltaHeaderCheckTest {
    private final ParameterSet layout = set(
            f32("transformer.h.0.attn.c_attn.weight", new long[] {2, 4}, 0.5f, -1f, 0f, 2f, 0.25f, 0f, -3f, 1f),
            f32("b\u00e9", new long[] {3}, 1f, 0f, -1f));
    private static final long N = 11;

    private static List<DeltaCodec> codecs() {
        return List.of(new Fp32Codec(), new Bf16Codec(), new Int8BlockCodec(), new Int8BlockCodec(1),
                new TopKCodec(), new TopKCodec(BigDecimal.ONE, DType.BF16), new SparseLocoCodec(),
                new SparseLocoCodec(64, 64));
    }

    private static DeltaCodecException headerFails(DeltaCodec codec, SafetensorsHeader header, ParameterSet layout) {
        return assertThrows(DeltaCodecException.class, () -> codec.checkHeader(header, layout));
    }

    @Test
    void everyCodecsOwnFilePassesTheHeaderCheckAndFitsItsBounds() {
        for (DeltaCodec codec : codecs()) {
            ParameterSet stored = codec.encode(layout);
            SafetensorsHeader header = SafetensorsHeader.describing(stored);
            assertDoesNotThrow(() -> codec.checkHeader(header, layout), codec.toString());
            DeltaFileBounds bounds = DeltaFileBounds.of(codec, layout);
            assertTrue(header.dataLength() <= bounds.maxDataBytes(), codec + ": " + header.dataLength());
            assertTrue(header.headerLength() <= bounds.maxHeaderBytes(), codec + ": " + header.headerLength());
            assertTrue(header.fileLength() <= bounds.maxFileBytes(), codec.toString());
            assertTrue(header.size() <= bounds.maxTensors(), codec.toString());
        }
    }

    @Test
    void theLargestDataEachCodecCanStoreFollowsTheLayout() {
        assertEquals(4 * N, new Fp32Codec().maxDataBytes(layout));
        assertEquals(2 * N, new Bf16Codec().maxDataBytes(layout));
        assertEquals(5 * N, new Int8BlockCodec().maxDataBytes(layout), "block size 1: a byte and a scale per value");
        assertEquals(5 * N, SafetensorsHeader.describing(new Int8BlockCodec(1).encode(layout)).dataLength());
        assertEquals(12 * N, new TopKCodec().maxDataBytes(layout), "fraction 1 with I64 indices");
        long everyValueKept = SafetensorsHeader.describing(new SparseLocoCodec(64, 64).encode(layout)).dataLength();
        assertTrue(everyValueKept <= new SparseLocoCodec().maxDataBytes(layout),
                everyValueKept + " bytes with every value kept in the smallest chunks");
    }

    @Test
    void aHeaderAloneRevealsEveryStructuralFaultDecodeWouldFind() {
        String w = "transformer.h.0.attn.c_attn.weight";
        // A gigabyte-sized tensor in the header costs nothing: no data is involved.
        SafetensorsHeader huge = SafetensorsHeader.builder().add(w, DType.F32, new long[] {1L << 28})
                .add("b\u00e9", DType.F32, new long[] {3}).putMetadata(DeltaMetadata.CODEC, "fp32").build();
        DeltaCodecException e = headerFails(new Fp32Codec(), huge, layout);
        assertEquals(Kind.SHAPE, e.kind());
        assertEquals(w, e.tensor());

        SafetensorsHeader good = SafetensorsHeader.describing(new Fp32Codec().encode(layout));
        SafetensorsHeader extra = SafetensorsHeader.builder().add(w, DType.F32, new long[] {2, 4})
                .add("b\u00e9", DType.F32, new long[] {3}).add("evil", DType.F32, new long[] {1})
                .putAllMetadata(good.metadata()).build();
        assertEquals(Kind.UNEXPECTED_TENSOR, headerFails(new Fp32Codec(), extra, layout).kind());
        SafetensorsHeader missing = SafetensorsHeader.builder().add(w, DType.F32, new long[] {2, 4})
                .putAllMetadata(good.metadata()).build();
        assertEquals(Kind.MISSING_TENSOR, headerFails(new Fp32Codec(), missing, layout).kind());
        assertEquals(Kind.CODEC_MISMATCH, headerFails(new Bf16Codec(), good, layout).kind());

        SafetensorsHeader int8 = SafetensorsHeader.describing(new Int8BlockCodec(4).encode(layout));
        SafetensorsHeader badBlock = SafetensorsHeader.builder().putAllMetadata(int8.metadata())
                .putMetadata(Int8BlockCodec.BLOCK_SIZE_KEY, "0").build();
        assertEquals(Kind.BAD_PARAMETER, headerFails(new Int8BlockCodec(), badBlock, layout).kind());
        SafetensorsHeader wrongScales = SafetensorsHeader.builder().add(w, DType.I8, new long[] {2, 4})
                .add(w + ".__scale", DType.F32, new long[] {8}).add("b\u00e9", DType.I8, new long[] {3})
                .add("b\u00e9.__scale", DType.F32, new long[] {1}).putAllMetadata(int8.metadata()).build();
        assertEquals(Kind.SHAPE, headerFails(new Int8BlockCodec(), wrongScales, layout).kind());

        SafetensorsHeader tooMany = SafetensorsHeader.builder().add(w + ".__idx", DType.I64, new long[] {8})
                .add(w + ".__val", DType.F32, new long[] {8}).add("b\u00e9.__idx", DType.I32, new long[] {1})
                .add("b\u00e9.__val", DType.F32, new long[] {1})
                .putMetadata(DeltaMetadata.CODEC, "topk").putMetadata(TopKCodec.FRACTION_KEY, "0.5").build();
        e = headerFails(new TopKCodec(), tooMany, layout);
        assertEquals(Kind.BAD_INDEX, e.kind());
        assertEquals(w + ".__idx", e.tensor());
    }
}
