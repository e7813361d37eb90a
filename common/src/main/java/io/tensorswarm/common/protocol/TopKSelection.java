package io.tensorswarm.common.protocol;

/**
 * Finds the {@code k} values of largest magnitude in linear time, on the bits of {@code |x|} (for
 * non-negative floats, bit order is value order): a two-pass radix select for whole tensors ({@code
 * topk}), a quickselect for the small chunks of {@code sparseloco}. Both keep ties for the lower index.
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
        return collect(x, 0, x.length, k, threshold, k - above);
    }

    /**
     * As {@link #largestMagnitudes(float[], int)} on {@code x[from, from + length)}, returning
     * positions relative to {@code from}, by a quickselect in {@code scratch} (at least {@code length}
     * long, reused across calls): linear on average without the radix select's 384 KB of counters,
     * which would cost more than a small chunk itself.
     */
    static int[] largestMagnitudes(float[] x, int from, int length, int k, int[] scratch) {
        for (int i = 0; i < length; i++) {
            scratch[i] = magnitude(x[from + i]);
        }
        int threshold = kthLargest(scratch, length, k);
        long above = 0;
        for (int i = 0; i < length; i++) {
            if (magnitude(x[from + i]) > threshold) {
                above++;
            }
        }
        return collect(x, from, length, k, threshold, k - above);
    }

    /**
     * Returns the positions (relative to {@code from}) of every magnitude above {@code threshold} and
     * the first {@code tiesToTake} equal to it, ascending: {@code k} in all.
     */
    private static int[] collect(float[] x, int from, int length, int k, int threshold, long tiesToTake) {
        int[] out = new int[k];
        int j = 0;
        for (int i = 0; i < length && j < k; i++) {
            int m = magnitude(x[from + i]);
            if (m > threshold || (m == threshold && tiesToTake-- > 0)) {
                out[j++] = i;
            }
        }
        return out;
    }

    /** Returns the k-th largest of {@code a[0, length)} (reorders it). */
    private static int kthLargest(int[] a, int length, int k) {
        int lo = 0;
        int hi = length - 1;
        int target = k - 1; // index in descending order
        while (true) {
            if (lo == hi) {
                return a[lo];
            }
            int pivot = medianOfThree(a[lo], a[(lo + hi) >>> 1], a[hi]);
            int i = lo;
            int lt = lo;
            int gt = hi;
            // Three-way partition, descending: [lo, lt) > pivot, [lt, gt] == pivot, (gt, hi] < pivot.
            while (i <= gt) {
                if (a[i] > pivot) {
                    swap(a, lt++, i++);
                } else if (a[i] < pivot) {
                    swap(a, i, gt--);
                } else {
                    i++;
                }
            }
            if (target < lt) {
                hi = lt - 1;
            } else if (target > gt) {
                lo = gt + 1;
            } else {
                return pivot;
            }
        }
    }

    private static int medianOfThree(int a, int b, int c) {
        return Math.max(Math.min(a, b), Math.min(Math.max(a, b), c));
    }

    private static void swap(int[] a, int i, int j) {
        int t = a[i];
        a[i] = a[j];
        a[j] = t;
    }

    /** Returns the bits of {@code |v|}: monotone in {@code |v|} for finite values. */
    private static int magnitude(float v) {
        return Float.floatToRawIntBits(v) & 0x7fffffff;
    }
}
