package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.safetensors.SafetensorsHeader;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The {@code topk} codec: per tensor, only the {@code k} values of largest magnitude, as sorted
 * flat indices and their values; everything else decodes to zero. Pair it with {@link
 * ErrorFeedback} so the dropped mass is sent in later rounds.
 *
 * <p>For a tensor {@code <name>} of {@code n} values, {@code k = min(n, ceil(fraction * n))}, computed
 * exactly in decimal from the fraction's text in metadata key {@value #FRACTION_KEY}. The kept
 * entries are the {@code k} largest by {@code |x|}, ties going to the lower index. It stores {@code
 * <name>.__idx} as I32 {@code [k]} (row-major flat indices, strictly ascending) and {@code
 * <name>.__val} as F32 or BF16 {@code [k]} (BF16 rounds to nearest even). Decoding accepts I32 or
 * I64 indices and F32 or BF16 values, and requires {@code k <= min(n, ceil(fraction * n))}, every
 * index in {@code [0, n)}, strictly ascending (so no duplicates), and every value finite.
 */
public final class TopKCodec implements DeltaCodec {
    /** The codec's name. */
    public static final String NAME = "topk";
    /** Metadata key of the kept fraction, a plain decimal in {@code (0, 1]}. */
    public static final String FRACTION_KEY = "tensorswarm.topk.fraction";
    /** Suffix of the index tensor's name. */
    public static final String INDEX_SUFFIX = ".__idx";
    /** Suffix of the value tensor's name. */
    public static final String VALUE_SUFFIX = ".__val";
    /** The fraction {@link DeltaCodecs#forName} uses. */
    public static final BigDecimal DEFAULT_FRACTION = new BigDecimal("0.01");

    private final BigDecimal fraction;
    private final DType valueType;

    /** Creates the codec keeping {@link #DEFAULT_FRACTION} as F32 values. */
    public TopKCodec() {
        this(DEFAULT_FRACTION, DType.F32);
    }

    /**
     * Creates the codec keeping {@code fraction} of each tensor's values, stored as {@code valueType}.
     *
     * @throws IllegalArgumentException when {@code fraction} is outside {@code (0, 1]}, has more than
     *     9 decimals, or {@code valueType} is not F32 or BF16
     */
    public TopKCodec(BigDecimal fraction, DType valueType) {
        BigDecimal f = fraction.stripTrailingZeros();
        if (f.signum() <= 0 || f.compareTo(BigDecimal.ONE) > 0 || f.scale() > 9) {
            throw new IllegalArgumentException("top-k fraction must be in (0, 1] with at most 9 decimals, got " + fraction);
        }
        if (valueType != DType.F32 && valueType != DType.BF16) {
            throw new IllegalArgumentException("top-k values are F32 or BF16, not " + valueType);
        }
        this.fraction = f;
        this.valueType = valueType;
    }

    /** Returns the fraction of each tensor's values this codec keeps. */
    public BigDecimal fraction() {
        return fraction;
    }

    /** Returns the dtype of the stored values. */
    public DType valueType() {
        return valueType;
    }

    /** Returns {@code min(n, ceil(fraction * n))}, exactly. */
    public static int keptCount(BigDecimal fraction, int n) {
        BigDecimal k = fraction.multiply(BigDecimal.valueOf(n)).setScale(0, RoundingMode.CEILING);
        return (int) Math.min(n, k.longValueExact());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public boolean needsErrorFeedback() {
        return true;
    }

    @Override
    public ParameterSet encode(ParameterSet deltaF32) {
        ParameterSet.Builder out = CodecChecks.encodedBuilder(deltaF32, NAME)
                .putMetadata(FRACTION_KEY, CodecParameters.format(fraction));
        for (NamedTensor t : deltaF32) {
            float[] x = CodecChecks.encodableFloats(t);
            int[] idx = TopKSelection.largestMagnitudes(x, keptCount(fraction, x.length));
            ByteBuffer ib = ByteBuffer.allocate(idx.length * 4).order(ByteOrder.LITTLE_ENDIAN);
            ByteBuffer vb = ByteBuffer.allocate(idx.length * valueType.byteSize()).order(ByteOrder.LITTLE_ENDIAN);
            for (int i : idx) {
                ib.putInt(i);
                if (valueType == DType.BF16) {
                    vb.putShort(HalfFloats.floatToBf16(x[i]));
                } else {
                    vb.putFloat(x[i]);
                }
            }
            long[] shape = {idx.length};
            CodecChecks.addEncoded(out, new NamedTensor(t.name() + INDEX_SUFFIX, DType.I32, shape, ib.flip()));
            CodecChecks.addEncoded(out, new NamedTensor(t.name() + VALUE_SUFFIX, valueType, shape, vb.flip()));
        }
        return out.build();
    }

    @Override
    public ParameterSet decode(ParameterSet stored, ParameterSet layout) {
        return decodeSparse(stored, layout).toDense();
    }

    @Override
    public boolean decodesSparse() {
        return true;
    }

    /**
     * Returns the stored indices and values per layout tensor, after the header rules ({@link
     * #checkHeader}: at most {@code k} entries, so nothing larger than the fraction allows is
     * allocated) and every value finite, every index in {@code [0, n)} and above the one before.
     */
    @Override
    public SparseDelta decodeSparse(ParameterSet stored, ParameterSet layout) {
        check(StoredView.of(stored), layout);
        List<SparseTensor> out = new ArrayList<>();
        for (NamedTensor base : layout) {
            int n = CodecChecks.elementCount(base);
            String idxName = base.name() + INDEX_SUFFIX;
            String valName = base.name() + VALUE_SUFFIX;
            NamedTensor idx = stored.get(idxName);
            int k = Math.toIntExact(idx.shape()[0]); // at most n: checked above
            float[] values = stored.get(valName).toFloats();
            CodecChecks.requireFinite(valName, values);
            int[] indices = new int[k];
            ByteBuffer ib = idx.data();
            boolean wide = idx.dtype() == DType.I64;
            long previous = -1;
            for (int j = 0; j < k; j++) {
                long i = wide ? ib.getLong(j * 8) : ib.getInt(j * 4);
                if (i <= previous || i >= n) {
                    throw new DeltaCodecException(Kind.BAD_INDEX, idxName, "tensor " + Quote.of(idxName) + " element " + j
                            + " is " + i + (i >= n ? ", outside [0, " + n + ")" : ", not above the previous index " + previous));
                }
                indices[j] = (int) i;
                previous = i;
            }
            out.add(new SparseTensor(base.name(), base.shape(), n, indices, values));
        }
        return new SparseDelta(out);
    }

    @Override
    public void checkHeader(SafetensorsHeader header, ParameterSet layout) {
        check(StoredView.of(header), layout);
    }

    /** Returns {@code 12n} per tensor: at most {@code k = n} I64 indices and F32 values (fraction 1). */
    @Override
    public long maxDataBytes(ParameterSet layout) {
        return CodecChecks.layoutBytes(layout, DType.I64.byteSize() + DType.F32.byteSize());
    }

    /** Checks the structure ({@link #checkHeader}): names, dtypes, one-dimensional, {@code k} within the fraction. */
    private static void check(StoredView stored, ParameterSet layout) {
        CodecChecks.requireCodec(stored, NAME);
        BigDecimal storedFraction = CodecParameters.fraction(stored.metadata(), FRACTION_KEY);
        Set<String> expected = new HashSet<>();
        for (NamedTensor base : layout) {
            CodecChecks.expect(expected, base.name(), base.name() + INDEX_SUFFIX, base.name() + VALUE_SUFFIX);
        }
        CodecChecks.requireNoExtra(stored, expected);
        for (NamedTensor base : layout) {
            int n = CodecChecks.elementCount(base);
            String idxName = base.name() + INDEX_SUFFIX;
            long[] idxShape = CodecChecks.require(stored, idxName, null, DType.I32, DType.I64).shape();
            if (idxShape.length != 1) {
                throw new DeltaCodecException(Kind.SHAPE, idxName,
                        "tensor " + Quote.of(idxName) + " must be one-dimensional, has shape " + java.util.Arrays.toString(idxShape));
            }
            long k = idxShape[0];
            int maxK = keptCount(storedFraction, n);
            if (k > maxK) {
                throw new DeltaCodecException(Kind.BAD_INDEX, idxName, "tensor " + Quote.of(idxName) + " holds " + k
                        + " indices, but a tensor of " + n + " values keeps at most " + maxK);
            }
            CodecChecks.require(stored, base.name() + VALUE_SUFFIX, new long[] {k}, DType.F32, DType.BF16);
        }
    }

    @Override
    public String toString() {
        return NAME + "(" + CodecParameters.format(fraction) + ", " + valueType + ")";
    }
}
