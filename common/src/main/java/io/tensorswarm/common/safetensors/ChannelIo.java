package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.safetensors.SafetensorsException.Kind;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Positional file-channel reads and writes in bounded chunks: the JDK copies heap buffers through a
 * temporary direct buffer as large as the request, so unbounded requests would cost a second copy
 * of a multi-GB tensor in native memory.
 */
final class ChannelIo {
    static final int CHUNK = 1 << 20;

    private ChannelIo() {}

    /** Fills {@code dst} from its position to its limit, starting at file position {@code pos}. */
    static void readFully(FileChannel ch, ByteBuffer dst, long pos, String source, String what) throws IOException {
        int end = dst.limit();
        long p = pos;
        try {
            while (dst.position() < end) {
                dst.limit(Math.min(end, dst.position() + CHUNK));
                int n = ch.read(dst, p);
                if (n < 0) {
                    throw new SafetensorsException(Kind.TRUNCATED, source,
                            "file ends at byte " + p + " while reading " + what);
                }
                p += n;
            }
        } finally {
            dst.limit(end);
        }
    }

    /** Writes {@code src} from its position to its limit at the channel's current position. */
    static void writeFully(FileChannel ch, ByteBuffer src) throws IOException {
        int end = src.limit();
        try {
            while (src.position() < end) {
                src.limit(Math.min(end, src.position() + CHUNK));
                while (src.hasRemaining()) {
                    ch.write(src);
                }
            }
        } finally {
            src.limit(end);
        }
    }
}
