package io.tensorswarm.common.protocol;

/**
 * Finds the {@code k} values of largest magnitude in linear time, by a two-pass radix select on the
 * bits of {@code |x|} (for non-negative floats, bit order is value order).
 */
final class TopKSelection {
    private static final int HIGH_BITS = 16;
    private static final int LOW_BITS = 15;

    private TopKSelection() {}

    /**
     * Returns, in ascending order, the indices of the {@code k} largest {@code |x[i]|}, ties going to
     * the lower index. {@code x} must be finite.
     */
    static int[] largestMagnitudes(float[] x, int k) {
        if (k <= 0) {
            return new int[0];
        }
        if (k >= x.length) {
            int[] all = new int[x.length];
            for (int i = 0; i < all.length; i++) {
                all[i] = i;
            }
            return all;
        }
        int[] high = new int[1 << HIGH_BITS];
        for (float v : x) {
            high[magnitude(v) >>> LOW_BITS]++;
        }
        long above = 0;
        int hb = high.length - 1;
        while (above + high[hb] < k) {
            above += high[hb--];
        }
        int[] low = new int[1 << LOW_BITS];
        int lowMask = (1 << LOW_BITS) - 1;
        for (float v : x) {
            int m = magnitude(v);
            if (m >>> LOW_BITS == hb) {
                low[m & lowMask]++;
            }
        }
        int lb = low.length - 1;
        while (above + low[lb] < k) {
            above += low[lb--];
        }
        int threshold = (hb << LOW_BITS) | lb;
        long tiesToTake = k - above;
        int[] out = new int[k];
        int j = 0;
        for (int i = 0; i < x.length; i++) {
            int m = magnitude(x[i]);
            if (m > threshold || (m == threshold && tiesToTake-- > 0)) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** Returns the bits of {@code |v|}: monotone in {@code |v|} for finite values. */
    private static int magnitude(float v) {
        return Float.floatToRawIntBits(v) & 0x7fffffff;
    }
}
