package io.tensorswarm.common.tensor;

import java.util.Arrays;

/** Helpers for tensor shapes given as {@code long[]}. */
public final class Shapes {
    private Shapes() {}

    /**
     * Returns the number of elements of a shape; a scalar (empty shape) has one.
     *
     * @throws IllegalArgumentException when a dimension is negative or the count overflows a long
     */
    public static long elementCount(long[] shape) {
        long n = 1;
        for (long d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }

    /** Returns the shape as {@code [a, b, c]}. */
    public static String toString(long[] shape) {
        return Arrays.toString(shape);
    }
}
