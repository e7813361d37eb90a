package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import io.tensorswarm.common.tensor.Shapes;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Checks the codecs share: metadata, expected tensors, shapes, dtypes and finiteness. */
final class CodecChecks {
    private CodecChecks() {}

    /** Throws unless {@code stored} says it was written by {@code codec}. */
    static void requireCodec(StoredView stored, String codec) {
        String named = stored.metadata().get(DeltaMetadata.CODEC);
        if (named == null) {
            throw new DeltaCodecException(Kind.UNKNOWN_CODEC, null,
                    "stored delta has no " + DeltaMetadata.CODEC + " metadata");
        }
        if (!named.equals(codec)) {
            throw new DeltaCodecException(Kind.CODEC_MISMATCH, null,
                    "stored delta is " + Quote.of(named) + ", decoder is " + codec);
        }
    }

    /**
     * Adds the stored names a layout tensor needs to {@code expected}.
     *
     * @throws DeltaCodecException ({@link Kind#NAME_CLASH}) when a name is already expected
     */
    static void expect(Set<String> expected, String layoutName, String... storedNames) {
        for (String n : storedNames) {
            if (!expected.add(n)) {
                throw new DeltaCodecException(Kind.NAME_CLASH, layoutName,
                        "base tensor " + Quote.of(layoutName) + " maps to stored name " + Quote.of(n) + ", already in use");
            }
        }
    }

    /** Throws unless every stored tensor is one of {@code expected}. */
    static void requireNoExtra(StoredView stored, Set<String> expected) {
        for (String name : stored.names()) {
            if (!expected.contains(name)) {
                throw new DeltaCodecException(Kind.UNEXPECTED_TENSOR, name,
                        "stored delta has tensor " + Quote.of(name) + " that the base layout does not explain");
            }
        }
    }

    /** Returns the stored tensor's spec, checked for presence, dtype and (unless {@code null}) exact shape. */
    static StoredView.Spec require(StoredView stored, String name, long[] shape, DType... dtypes) {
        StoredView.Spec t = stored.get(name);
        if (t == null) {
            throw new DeltaCodecException(Kind.MISSING_TENSOR, name, "stored delta lacks tensor " + Quote.of(name));
        }
        if (!Arrays.asList(dtypes).contains(t.dtype())) {
            throw new DeltaCodecException(Kind.DTYPE, name, "tensor " + Quote.of(name) + " is " + t.dtype()
                    + ", expected " + (dtypes.length == 1 ? dtypes[0] : Arrays.toString(dtypes)));
        }
        if (shape != null && !Arrays.equals(t.shape(), shape)) {
            throw new DeltaCodecException(Kind.SHAPE, name, "tensor " + Quote.of(name) + " has shape "
                    + Shapes.toString(t.shape()) + ", expected " + Shapes.toString(shape));
        }
        return t;
    }

    /**
     * Checks a codec that stores every delta tensor densely under its own name in {@code dtype}:
     * exactly the layout's names and shapes, nothing extra.
     */
    static void checkDense(StoredView stored, ParameterSet layout, String codec, DType dtype) {
        requireCodec(stored, codec);
        Set<String> expected = new HashSet<>();
        for (NamedTensor base : layout) {
            expect(expected, base.name(), base.name());
        }
        requireNoExtra(stored, expected);
        for (NamedTensor base : layout) {
            require(stored, base.name(), base.shape(), dtype);
        }
    }

    /** Returns {@code sum(elements * bytesPerElement)} over the layout, saturating at {@link Long#MAX_VALUE}. */
    static long layoutBytes(ParameterSet layout, long bytesPerElement) {
        long total = 0;
        for (NamedTensor base : layout) {
            try {
                total = Math.addExact(total, Math.multiplyExact(base.elementCount(), bytesPerElement));
            } catch (ArithmeticException e) {
                return Long.MAX_VALUE;
            }
        }
        return total;
    }

    /** Returns the element count of a layout tensor as an int (layouts are trusted). */
    static int elementCount(NamedTensor layoutTensor) {
        long n = layoutTensor.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new DeltaCodecException(Kind.SHAPE, layoutTensor.name(),
                    "tensor " + Quote.of(layoutTensor.name()) + " has " + n + " elements, more than one array holds");
        }
        return (int) n;
    }

    /** Throws unless every value is finite. */
    static void requireFinite(String name, float[] values) {
        for (int i = 0; i < values.length; i++) {
            if (!Float.isFinite(values[i])) {
                throw new DeltaCodecException(Kind.NON_FINITE, name,
                        "tensor " + Quote.of(name) + " element " + i + " is " + values[i]);
            }
        }
    }

    /** Returns the floats of an F32 delta tensor, checked finite, for encoding. */
    static float[] encodableFloats(NamedTensor t) {
        if (t.dtype() != DType.F32) {
            throw new DeltaCodecException(Kind.DTYPE, t.name(),
                    "delta tensor " + Quote.of(t.name()) + " is " + t.dtype() + ", codecs encode F32");
        }
        float[] values = t.toFloats();
        requireFinite(t.name(), values);
        return values;
    }

    /** Returns the builder for an encoded set: the delta's metadata plus the codec's name. */
    static ParameterSet.Builder encodedBuilder(ParameterSet delta, String codec) {
        return ParameterSet.builder().putAllMetadata(delta.metadata()).putMetadata(DeltaMetadata.CODEC, codec);
    }

    /** Adds an encoded tensor, failing with {@link Kind#NAME_CLASH} when the name is taken. */
    static void addEncoded(ParameterSet.Builder out, NamedTensor t) {
        try {
            out.add(t);
        } catch (IllegalArgumentException e) {
            throw new DeltaCodecException(Kind.NAME_CLASH, t.name(),
                    "delta tensor " + Quote.of(t.name()) + " clashes with a name the codec derives");
        }
    }

    /**
     * Decodes a codec that stores every delta tensor densely under its own name in {@code dtype}:
     * {@link #checkDense}, then every value finite.
     */
    static ParameterSet decodeDense(ParameterSet stored, ParameterSet layout, String codec, DType dtype) {
        checkDense(StoredView.of(stored), layout, codec, dtype);
        ParameterSet.Builder out = ParameterSet.builder();
        for (NamedTensor base : layout) {
            float[] values = stored.get(base.name()).toFloats();
            requireFinite(base.name(), values);
            out.add(NamedTensor.ofFloats(base.name(), base.shape(), values));
        }
        return out.build();
    }
}
