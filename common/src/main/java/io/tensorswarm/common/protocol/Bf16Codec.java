package io.tensorswarm.common.protocol;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HashSet;
import java.util.Set;

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
        CodecChecks.requireCodec(stored, NAME);
        Set<String> expected = new HashSet<>();
        for (NamedTensor base : layout) {
            CodecChecks.expect(expected, base.name(), base.name());
        }
        CodecChecks.requireNoExtra(stored, expected);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor base : layout) {
            NamedTensor t = CodecChecks.require(stored, base.name(), base.shape(), DType.BF16);
            float[] values = t.toFloats();
            CodecChecks.requireFinite(t.name(), values);
            out.add(NamedTensor.ofFloats(base.name(), base.shape(), values));
        }
        return out.build();
    }

    @Override
    public String toString() {
        return NAME;
    }
}
