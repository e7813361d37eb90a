package io.tensorswarm.chain.scale;

/**
 * A transaction's validity window ({@code CheckMortality} extra): immortal ({@code 0x00}) or
 * mortal with a power-of-two period and a phase, encoded in two bytes as sp-runtime's
 * {@code generic::Era} does.
 *
 * <pre>{@code
 * Era era = Era.mortal(128, finalizedBlock);      // the bittensor SDK default period
 * byte[] extra = era.toBytes();
 * long birth = era.birthBlock(finalizedBlock);     // sign over this block's hash
 * }</pre>
 */
public final class Era {
    private static final Era IMMORTAL = new Era(0, 0);

    private final long period;
    private final long phase;

    private Era(long period, long phase) {
        this.period = period;
        this.phase = phase;
    }

    /** Returns the immortal era, valid forever; its birth hash is the genesis hash. */
    public static Era immortal() {
        return IMMORTAL;
    }

    /**
     * Returns a mortal era that starts at {@code currentBlock} and lasts about {@code period}
     * blocks: the period is rounded up to a power of two in [4, 65536] and the phase is quantized
     * as the runtime does.
     *
     * @throws IllegalArgumentException if {@code period} or {@code currentBlock} is negative
     */
    public static Era mortal(long period, long currentBlock) {
        if (period < 0 || currentBlock < 0) {
            throw new IllegalArgumentException("period and block must not be negative");
        }
        long p = Math.min(Math.max(roundUpToPowerOfTwo(period), 4), 1 << 16);
        long phase = currentBlock % p;
        long quantize = Math.max(p >> 12, 1);
        return new Era(p, phase / quantize * quantize);
    }

    private static long roundUpToPowerOfTwo(long v) {
        return v <= 1 ? 1 : Long.highestOneBit(v - 1) << 1;
    }

    /** Returns true for the immortal era. */
    public boolean isImmortal() {
        return period == 0;
    }

    /** Returns the period in blocks (0 when immortal). */
    public long period() {
        return period;
    }

    /** Returns the phase within the period (0 when immortal). */
    public long phase() {
        return phase;
    }

    /** Returns the block whose hash the signer commits to: 0 (genesis) when immortal. */
    public long birthBlock(long currentBlock) {
        if (isImmortal()) {
            return 0;
        }
        return (Math.max(currentBlock, phase) - phase) / period * period + phase;
    }

    /** Writes the one-byte (immortal) or two-byte (mortal) encoding. */
    public void write(ScaleWriter out) {
        if (isImmortal()) {
            out.writeU8(0);
            return;
        }
        long quantize = Math.max(period >> 12, 1);
        int low = (int) Math.min(Math.max(Long.numberOfTrailingZeros(period) - 1, 1), 15);
        out.writeU16((int) (low | ((phase / quantize) << 4)));
    }

    /** Returns the encoding as bytes. */
    public byte[] toBytes() {
        ScaleWriter w = new ScaleWriter(2);
        write(w);
        return w.toByteArray();
    }

    /**
     * Reads an era.
     *
     * @throws ScaleDecodeException if the bytes describe no valid mortal era
     */
    public static Era read(ScaleReader in) {
        int at = in.position();
        int first = in.readU8();
        if (first == 0) {
            return IMMORTAL;
        }
        int encoded = first | (in.readU8() << 8);
        long period = 2L << (encoded & 0xf);
        long quantize = Math.max(period >> 12, 1);
        long phase = (long) (encoded >> 4) * quantize;
        if (period < 4 || phase >= period) {
            throw new ScaleDecodeException("invalid mortal era 0x" + Integer.toHexString(encoded), at);
        }
        return new Era(period, phase);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Era e && e.period == period && e.phase == phase;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(period * 31 + phase);
    }

    @Override
    public String toString() {
        return isImmortal() ? "Era.immortal" : "Era.mortal(period=" + period + ", phase=" + phase + ")";
    }
}
