package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.safetensors.SafetensorsException.Kind;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * An open safetensors file whose header is validated; reads tensors one at a time, or byte ranges
 * of one tensor. Obtain from {@link SafetensorsReader#open}. Safe for concurrent reads (each read
 * is positional); close it once.
 */
public final class SafetensorsFile implements Closeable {
    private final FileChannel channel;
    private final SafetensorsHeader header;
    private final String source;

    SafetensorsFile(FileChannel channel, SafetensorsHeader header, String source) {
        this.channel = channel;
        this.header = header;
        this.source = source;
    }

    /** Returns the validated header. */
    public SafetensorsHeader header() {
        return header;
    }

    /**
     * Returns the named tensor, its bytes read into a fresh heap buffer.
     *
     * @throws SafetensorsException when there is no such tensor ({@link Kind#NO_SUCH_TENSOR}), it
     *     exceeds 2 GiB, or the file shrank
     * @throws IOException when the file cannot be read
     */
    public NamedTensor read(String name) throws IOException {
        TensorEntry e = require(name);
        ByteBuffer bytes = ByteBuffer.allocate(checkTensorFits(e, source));
        ChannelIo.readFully(channel, bytes, header.dataStart() + e.begin(), source, "tensor " + HeaderParser.quote(name));
        return new NamedTensor(e.name(), e.dtype(), e.shape(), bytes.flip());
    }

    /**
     * Fills {@code dst} from its position to its limit with the bytes of the named tensor that start
     * {@code offsetInTensor} bytes into it: a range read for splitting work over byte ranges.
     *
     * @throws IllegalArgumentException when the range is not inside the tensor
     * @throws SafetensorsException when there is no such tensor or the file shrank
     * @throws IOException when the file cannot be read
     */
    public void readRange(String name, long offsetInTensor, ByteBuffer dst) throws IOException {
        TensorEntry e = require(name);
        if (offsetInTensor < 0 || offsetInTensor + dst.remaining() > e.byteLength()) {
            throw new IllegalArgumentException("range [" + offsetInTensor + ", " + (offsetInTensor + dst.remaining())
                    + ") is outside tensor " + name + " of " + e.byteLength() + " bytes");
        }
        ChannelIo.readFully(channel, dst, header.dataStart() + e.begin() + offsetInTensor, source,
                "tensor " + HeaderParser.quote(name));
    }

    /**
     * Returns every tensor, in data-buffer order, with the file's metadata.
     *
     * @throws SafetensorsException when a tensor exceeds 2 GiB or the file shrank
     * @throws IOException when the file cannot be read
     */
    public ParameterSet readAll() throws IOException {
        ParameterSet.Builder set = ParameterSet.builder().putAllMetadata(header.metadata());
        for (TensorEntry e : header.entries()) {
            set.add(read(e.name()));
        }
        return set.build();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    private TensorEntry require(String name) {
        TensorEntry e = header.get(name);
        if (e == null) {
            throw new SafetensorsException(Kind.NO_SUCH_TENSOR, source, "no tensor named " + HeaderParser.quote(name));
        }
        return e;
    }

    /** Returns the tensor's length as an int, or throws when one heap buffer cannot hold it. */
    static int checkTensorFits(TensorEntry e, String source) {
        if (e.byteLength() > Integer.MAX_VALUE - 8) {
            throw new SafetensorsException(Kind.TENSOR_TOO_LARGE, source, "tensor " + HeaderParser.quote(e.name())
                    + " is " + e.byteLength() + " bytes; one buffer holds at most 2 GiB");
        }
        return (int) e.byteLength();
    }
}
