package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.nio.ByteBuffer;
import java.util.HashSet;
import java.util.Set;

/**
 * The {@code int8} codec: symmetric 8-bit quantization with one scale per block of {@code B}
 * consecutive values (row-major), about 1.02 bytes per parameter at {@code B = 256}.
 *
 * <p>For each tensor {@code <name>} of {@code n} values it stores {@code <name>} as I8 with the
 * delta's shape and {@code <name>.__scale} as F32 {@code [ceil(n / B)]}; {@code B} is in the
 * metadata key {@value #BLOCK_SIZE_KEY}. In float32 arithmetic: {@code scale = absmax(block) / 127};
 * {@code q = clamp(rint(x / scale), -127, 127)} (round half to even), or {@code q = 0} for every
 * value of a block whose scale is 0. Decoding gives {@code q * scale}, so the error of each value is
 * at most {@code scale / 2} (plus float rounding). Decoding requires every scale finite and
 * non-negative.
 */
public final class Int8BlockCodec implements DeltaCodec {
    /** The codec's name. */
    public static final String NAME = "int8";
    /** Metadata key of the block size. */
    public static final String BLOCK_SIZE_KEY = "tensorswarm.int8.block_size";
    /** Suffix of the per-block scale tensor's name. */
    public static final String SCALE_SUFFIX = ".__scale";
    /** The block size {@link DeltaCodecs#forName} uses. */
    public static final int DEFAULT_BLOCK_SIZE = 256;
    /** The largest block size accepted. */
    public static final int MAX_BLOCK_SIZE = 1 << 24;

    private final int blockSize;

    /** Creates the codec with {@link #DEFAULT_BLOCK_SIZE}. */
    public Int8BlockCodec() {
        this(DEFAULT_BLOCK_SIZE);
    }

    /**
     * Creates the codec with blocks of {@code blockSize} values.
     *
     * @throws IllegalArgumentException when {@code blockSize} is outside {@code [1, 2^24]}
     */
    public Int8BlockCodec(int blockSize) {
        if (blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
            throw new IllegalArgumentException("block size must be in [1, " + MAX_BLOCK_SIZE + "], got " + blockSize);
        }
        this.blockSize = blockSize;
    }

    /** Returns the block size this codec encodes with. */
    public int blockSize() {
        return blockSize;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public ParameterSet encode(ParameterSet deltaF32) {
        ParameterSet.Builder out = CodecChecks.encodedBuilder(deltaF32, NAME)
                .putMetadata(BLOCK_SIZE_KEY, Integer.toString(blockSize));
        for (NamedTensor t : deltaF32) {
            float[] x = CodecChecks.encodableFloats(t);
            int blocks = blockCount(x.length, blockSize);
            float[] scales = new float[blocks];
            byte[] q = new byte[x.length];
            for (int b = 0; b < blocks; b++) {
                int from = b * blockSize;
                int to = Math.min(x.length, from + blockSize);
                float absmax = 0f;
                for (int i = from; i < to; i++) {
                    absmax = Math.max(absmax, Math.abs(x[i]));
                }
                float scale = absmax / 127f;
                scales[b] = scale;
                if (scale == 0f) {
                    continue; // q stays 0; also covers subnormal blocks whose scale underflows
                }
                for (int i = from; i < to; i++) {
                    double r = Math.rint(x[i] / scale);
                    q[i] = (byte) Math.max(-127, Math.min(127, (int) r));
                }
            }
            CodecChecks.addEncoded(out, new NamedTensor(t.name(), DType.I8, t.shape(), ByteBuffer.wrap(q)));
            CodecChecks.addEncoded(out, NamedTensor.ofFloats(t.name() + SCALE_SUFFIX, new long[] {blocks}, scales));
        }
        return out.build();
    }

    @Override
    public ParameterSet decode(ParameterSet stored, ParameterSet layout) {
        int b = check(StoredView.of(stored), layout);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor base : layout) {
            int n = CodecChecks.elementCount(base);
            int blocks = blockCount(n, b);
            String scaleName = base.name() + SCALE_SUFFIX;
            float[] scales = stored.get(scaleName).toFloats();
            for (int i = 0; i < blocks; i++) {
                if (!(Float.isFinite(scales[i]) && scales[i] >= 0f)) {
                    throw new DeltaCodecException(Kind.NON_FINITE, scaleName,
                            "tensor " + Quote.of(scaleName) + " element " + i + " is " + scales[i]
                                    + ", scales must be finite and non-negative");
                }
            }
            ByteBuffer qb = stored.get(base.name()).data();
            float[] values = new float[n];
            for (int i = 0; i < n; i++) {
                values[i] = qb.get(i) * scales[i / b];
            }
            CodecChecks.requireFinite(base.name(), values); // a huge scale times 127 overflows
            out.add(NamedTensor.ofFloats(base.name(), base.shape(), values));
        }
        return out.build();
    }

    @Override
    public void checkHeader(SafetensorsHeader header, ParameterSet layout) {
        check(StoredView.of(header), layout);
    }

    /** Returns {@code n + 4n} per tensor: I8 values plus one F32 scale per value at the smallest block size, 1. */
    @Override
    public long maxDataBytes(ParameterSet layout) {
        return CodecChecks.layoutBytes(layout, 1 + 4);
    }

    /** Checks the structure ({@link #checkHeader}) and returns the stored block size. */
    private static int check(StoredView stored, ParameterSet layout) {
        CodecChecks.requireCodec(stored, NAME);
        int b = CodecParameters.integer(stored.metadata(), BLOCK_SIZE_KEY, 1, MAX_BLOCK_SIZE);
        Set<String> expected = new HashSet<>();
        for (NamedTensor base : layout) {
            CodecChecks.expect(expected, base.name(), base.name(), base.name() + SCALE_SUFFIX);
        }
        CodecChecks.requireNoExtra(stored, expected);
        for (NamedTensor base : layout) {
            int blocks = blockCount(CodecChecks.elementCount(base), b);
            CodecChecks.require(stored, base.name(), base.shape(), DType.I8);
            CodecChecks.require(stored, base.name() + SCALE_SUFFIX, new long[] {blocks}, DType.F32);
        }
        return b;
    }

    private static int blockCount(int n, int blockSize) {
        return (int) ((n + (long) blockSize - 1) / blockSize);
    }

    @Override
    public String toString() {
        return NAME + "(block " + blockSize + ")";
    }
}
