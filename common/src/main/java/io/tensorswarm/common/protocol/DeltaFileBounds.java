package io.tensorswarm.common.protocol;

import io.tensorswarm.common.safetensors.ReadLimits;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;

/**
 * The largest delta file a codec can write for a base layout, known before any byte of the file is
 * read: the safetensors header (8-byte length and JSON) and the tensor data. A fetcher refuses a
 * manifest that declares more, and reads the header under {@link #readLimits()}, so the model (not a
 * flat cap) bounds what a miner can make a validator download.
 *
 * <pre>{@code
 * DeltaFileBounds bounds = DeltaFileBounds.of(DeltaCodecs.forName(manifest.codec()), baseLayout);
 * if (manifest.deltaSize() > bounds.maxFileBytes()) { ... refuse ... }
 * SafetensorsHeader header = new SafetensorsReader(bounds.readLimits()).readHeader(in, source);
 * }</pre>
 *
 * @param maxHeaderBytes the largest header length field accepted
 * @param maxDataBytes the most tensor-data bytes the codec stores for the layout ({@link
 *     DeltaCodec#maxDataBytes})
 * @param maxTensors the most stored tensors: every codec stores at most two per base tensor
 */
public record DeltaFileBounds(long maxHeaderBytes, long maxDataBytes, int maxTensors) {
    /** Room for the header's {@code __metadata__} (codec and its parameters, base revision, steps, tokens). */
    public static final long METADATA_ALLOWANCE = 64L << 10;

    /** Stored tensors per base tensor, at most (a value and a scale, or indices and values). */
    public static final int MAX_STORED_PER_TENSOR = 2;

    /**
     * Longest suffix a codec adds to a base tensor's name ({@code .__scale}, {@code .__idx}, {@code
     * .__val}, {@code .__sparse}).
     */
    private static final int MAX_SUFFIX = 9;

    /**
     * Returns the bounds of {@code codec}'s files for {@code layout}. The header allowance covers, per
     * stored tensor, its name with every character escaped ({@code \\uXXXX}), dtype, shape and offsets,
     * plus {@link #METADATA_ALLOWANCE}; never above {@link ReadLimits#DEFAULT_MAX_HEADER_BYTES}.
     */
    public static DeltaFileBounds of(DeltaCodec codec, ParameterSet layout) {
        long header = METADATA_ALLOWANCE + 8;
        for (NamedTensor t : layout) {
            long perEntry = 6L * (t.name().length() + MAX_SUFFIX) + 128 + 21L * t.shape().length;
            header += MAX_STORED_PER_TENSOR * perEntry;
        }
        long tensors = Math.max(1, (long) MAX_STORED_PER_TENSOR * layout.size());
        return new DeltaFileBounds(Math.min(header, ReadLimits.DEFAULT_MAX_HEADER_BYTES), codec.maxDataBytes(layout),
                (int) Math.min(Integer.MAX_VALUE, tensors));
    }

    /** Returns {@code 8 + maxHeaderBytes + maxDataBytes}, saturating at {@link Long#MAX_VALUE}. */
    public long maxFileBytes() {
        long sum = 8 + maxHeaderBytes + maxDataBytes;
        return sum < maxDataBytes ? Long.MAX_VALUE : sum;
    }

    /** Returns the reader limits these bounds imply. */
    public ReadLimits readLimits() {
        return new ReadLimits(maxHeaderBytes, maxDataBytes, maxTensors);
    }
}
