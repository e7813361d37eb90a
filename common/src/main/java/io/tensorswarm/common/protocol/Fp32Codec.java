package io.tensorswarm.common.protocol;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code fp32} codec: every delta tensor stored as it is, F32 under its own name and shape.
 * Lossless; four bytes per parameter.
 */
public final class Fp32Codec implements DeltaCodec {
    /** The codec's name. */
    public static final String NAME = "fp32";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ParameterSet encode(ParameterSet deltaF32) {
        ParameterSet.Builder out = CodecChecks.encodedBuilder(deltaF32, NAME);
        for (NamedTensor t : deltaF32) {
            CodecChecks.encodableFloats(t);
            CodecChecks.addEncoded(out, t);
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
            NamedTensor t = CodecChecks.require(stored, base.name(), base.shape(), DType.F32);
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
