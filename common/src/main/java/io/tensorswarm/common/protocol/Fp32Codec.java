package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;

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
        return CodecChecks.decodeDense(stored, layout, NAME, DType.F32);
    }

    @Override
    public void checkHeader(SafetensorsHeader header, ParameterSet layout) {
        CodecChecks.checkDense(StoredView.of(header), layout, NAME, DType.F32);
    }

    @Override
    public long maxDataBytes(ParameterSet layout) {
        return CodecChecks.layoutBytes(layout, 4);
    }

    @Override
    public String toString() {
        return NAME;
    }
}
