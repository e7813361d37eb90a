package io.tensorswarm.common.data;

import java.util.Objects;

/** A {@link TokenStream} over an {@code int[]} in memory. */
final class ArrayTokenStream implements TokenStream {
    private final int[] tokens;

    ArrayTokenStream(int[] tokens) {
        this.tokens = Objects.requireNonNull(tokens, "tokens");
    }

    @Override
    public long length() {
        return tokens.length;
    }

    @Override
    public void read(long offset, int[] target, int targetOffset, int count) {
        Objects.checkFromIndexSize(offset, count, tokens.length);
        System.arraycopy(tokens, (int) offset, target, targetOffset, count);
    }

    @Override
    public void close() {}
}
