package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The {@code bf16} codec: every delta tensor stored as BF16 under its own name and shape, rounded
 * to nearest, ties to even ({@link HalfFloats#floatToBf16}). Two bytes per parameter, about three
 * significant decimal digits; values beyond the BF16 range become infinite and are refused.
 */
public final class Bf16Codec implements DeltaCodec {
    /** The codec's name. */
    public static final String NAME = "bf16";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ParameterSet encode(ParameterSet deltaF32) {
        ParameterSet.Builder out = CodecChecks.encodedBuilder(deltaF32, NAME);
        for (NamedTensor t : deltaF32) {
            float[] values = CodecChecks.encodableFloats(t);
            ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(values.length, 2)).order(ByteOrder.LITTLE_ENDIAN);
            for (int i = 0; i < values.length; i++) {
                short bits = HalfFloats.floatToBf16(values[i]);
                if (!Float.isFinite(HalfFloats.bf16ToFloat(bits))) {
                    throw new DeltaCodecException(DeltaCodecException.Kind.NON_FINITE, t.name(), "delta tensor "
                            + Quote.of(t.name()) + " element " + i + " (" + values[i] + ") overflows BF16");
                }
                bytes.putShort(bits);
            }
            CodecChecks.addEncoded(out, new NamedTensor(t.name(), DType.BF16, t.shape(), bytes.flip()));
        }
        return out.build();
    }

    @Override
    public ParameterSet decode(ParameterSet stored, ParameterSet layout) {
        return CodecChecks.decodeDense(stored, layout, NAME, DType.BF16);
    }

    @Override
    public void checkHeader(SafetensorsHeader header, ParameterSet layout) {
        CodecChecks.checkDense(StoredView.of(header), layout, NAME, DType.BF16);
    }

    @Override
    public long maxDataBytes(ParameterSet layout) {
        return CodecChecks.layoutBytes(layout, 2);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
