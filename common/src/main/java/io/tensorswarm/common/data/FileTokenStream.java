package io.tensorswarm.common.data;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * A {@link TokenStream} read from a token cache file with positional reads, so only the requested
 * window is ever in memory. File layout: the 8 ASCII bytes {@code TSWTOK01}, the token count as a
 * little-endian 64-bit integer, then the tokens as little-endian 32-bit integers.
 */
final class FileTokenStream implements TokenStream {
    static final byte[] MAGIC = {'T', 'S', 'W', 'T', 'O', 'K', '0', '1'};
    static final int HEADER_BYTES = 16;

    private final Path file;
    private final FileChannel channel;
    private final long length;

    private FileTokenStream(Path file, FileChannel channel, long length) {
        this.file = file;
        this.channel = channel;
        this.length = length;
    }

    /**
     * Opens a cache file, checking its header and size.
     *
     * @throws DataException when the file cannot be read or its header or size is wrong
     */
    static FileTokenStream open(Path file) {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new DataException("cannot open token cache " + file + ": " + e.getMessage(), e);
        }
        try {
            ByteBuffer header = ByteBuffer.allocate(HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
            readFully(channel, header, 0);
            header.flip();
            byte[] magic = new byte[MAGIC.length];
            header.get(magic);
            long count = header.getLong();
            long expectedSize = HEADER_BYTES + 4 * count;
            if (!Arrays.equals(magic, MAGIC) || count < 0 || channel.size() != expectedSize) {
                throw new DataException("token cache " + file + " is damaged or incomplete");
            }
            return new FileTokenStream(file, channel, count);
        } catch (IOException e) {
            closeQuietly(channel);
            throw new DataException("token cache " + file + " is damaged or incomplete: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            closeQuietly(channel);
            throw e;
        }
    }

    @Override
    public long length() {
        return length;
    }

    @Override
    public void read(long offset, int[] target, int targetOffset, int count) {
        Objects.checkFromIndexSize(offset, count, length);
        Objects.checkFromIndexSize(targetOffset, count, target.length);
        ByteBuffer bytes = ByteBuffer.allocate(Math.multiplyExact(count, 4)).order(ByteOrder.LITTLE_ENDIAN);
        try {
            readFully(channel, bytes, HEADER_BYTES + 4 * offset);
        } catch (IOException e) {
            throw new DataException("cannot read token cache " + file + ": " + e.getMessage(), e);
        }
        bytes.flip();
        bytes.asIntBuffer().get(target, targetOffset, count);
    }

    private static void readFully(FileChannel channel, ByteBuffer buffer, long position) throws IOException {
        long at = position;
        while (buffer.hasRemaining()) {
            int n = channel.read(buffer, at);
            if (n < 0) {
                throw new IOException("unexpected end of file at byte " + at);
            }
            at += n;
        }
    }

    @Override
    public void close() {
        closeQuietly(channel);
    }

    private static void closeQuietly(FileChannel channel) {
        try {
            channel.close();
        } catch (IOException ignored) {
            // read-only channel: nothing is lost
        }
    }

    @Override
    public String toString() {
        return "FileTokenStream[" + file + ", " + length + " tokens]";
    }
}
