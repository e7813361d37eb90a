package io.tensorswarm.common.data;

/**
 * A read-only sequence of token ids addressed by a {@code long} position, held in memory or in a
 * file. Reads are safe for concurrent use. Close it to release the file.
 */
public interface TokenStream extends AutoCloseable {

    /** Returns the number of tokens. */
    long length();

    /**
     * Copies tokens {@code [offset, offset + count)} into {@code target} from {@code targetOffset}.
     *
     * @throws IndexOutOfBoundsException when the range lies outside the stream or the target
     * @throws DataException when a file-backed stream cannot be read
     */
    void read(long offset, int[] target, int targetOffset, int count);

    /** Releases the file behind this stream, if any. */
    @Override
    void close();

    /** Returns a stream over {@code tokens}, which it keeps (no copy). */
    static TokenStream of(int[] tokens) {
        return new ArrayTokenStream(tokens);
    }
}
