package io.tensorswarm.common.safetensors;

/**
 * Caps a reader enforces before it allocates: header bytes, data buffer bytes and tensor count.
 *
 * @param maxHeaderBytes largest accepted JSON header length field (the Hugging Face library uses
 *     100,000,000)
 * @param maxTotalBytes largest accepted data buffer (sum of all tensor bytes)
 * @param maxTensors largest accepted number of tensors
 */
public record ReadLimits(long maxHeaderBytes, long maxTotalBytes, int maxTensors) {
    /** The Hugging Face library's header cap. */
    public static final long DEFAULT_MAX_HEADER_BYTES = 100_000_000L;

    /** Default tensor-count cap; large language models have a few thousand. */
    public static final int DEFAULT_MAX_TENSORS = 100_000;

    /**
     * Validates the caps.
     *
     * @throws IllegalArgumentException when a cap is not positive, or the header cap exceeds what
     *     one array can hold
     */
    public ReadLimits {
        if (maxHeaderBytes <= 0 || maxHeaderBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxHeaderBytes must be in 1.." + (Integer.MAX_VALUE - 8));
        }
        if (maxTotalBytes < 0) {
            throw new IllegalArgumentException("maxTotalBytes must not be negative");
        }
        if (maxTensors <= 0) {
            throw new IllegalArgumentException("maxTensors must be positive");
        }
    }

    /** Returns the default caps: 100 MB header, no data cap, 100,000 tensors. */
    public static ReadLimits defaults() {
        return new ReadLimits(DEFAULT_MAX_HEADER_BYTES, Long.MAX_VALUE, DEFAULT_MAX_TENSORS);
    }

    /** Returns these caps with another header cap. */
    public ReadLimits withMaxHeaderBytes(long bytes) {
        return new ReadLimits(bytes, maxTotalBytes, maxTensors);
    }

    /** Returns these caps with another data buffer cap. */
    public ReadLimits withMaxTotalBytes(long bytes) {
        return new ReadLimits(maxHeaderBytes, bytes, maxTensors);
    }

    /** Returns these caps with another tensor-count cap. */
    public ReadLimits withMaxTensors(int count) {
        return new ReadLimits(maxHeaderBytes, maxTotalBytes, count);
    }
}
