package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.safetensors.SafetensorsException.Kind;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Objects;

/**
 * Reads safetensors files and streams, checking every header rule and {@link ReadLimits} before it
 * allocates for the data. Thread-safe: it holds only its limits.
 *
 * <p>Content that breaks the format throws {@link SafetensorsException}; a failing device or
 * connection throws {@link IOException}. A hostile file can make a read fail, but never allocate
 * more than {@link ReadLimits#maxHeaderBytes()} for the header, nor more than {@link
 * ReadLimits#maxTotalBytes()} for the tensors; from a stream, tensor buffers grow with the bytes
 * that actually arrive, so a lying header costs at most twice what was received. One tensor is at
 * most 2 GiB (one Java array).
 *
 * <pre>{@code
 * SafetensorsReader reader = new SafetensorsReader(ReadLimits.defaults().withMaxTotalBytes(2L << 30));
 * SafetensorsHeader header = reader.readHeader(path);       // cheap: header bytes only
 * try (SafetensorsFile file = reader.open(path)) {
 *     NamedTensor wte = file.read("transformer.wte.weight"); // one tensor at a time
 * }
 * }</pre>
 */
public final class SafetensorsReader {
    private static final int FIRST_ALLOCATION = 1 << 20;

    private final ReadLimits limits;

    /** Creates a reader with {@link ReadLimits#defaults()}. */
    public SafetensorsReader() {
        this(ReadLimits.defaults());
    }

    /** Creates a reader enforcing {@code limits}. */
    public SafetensorsReader(ReadLimits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /** Returns the limits this reader enforces. */
    public ReadLimits limits() {
        return limits;
    }

    /**
     * Returns the validated header of the file, reading only its first {@code 8 + N} bytes; also
     * checks that the file's length matches the tensors exactly.
     *
     * @throws SafetensorsException when the file breaks a rule or a limit
     * @throws IOException when the file cannot be read
     */
    public SafetensorsHeader readHeader(Path path) throws IOException {
        try (FileChannel ch = FileChannel.open(path, StandardOpenOption.READ)) {
            return readHeader(ch, path.toString());
        }
    }

    /**
     * Opens the file for reading tensors one at a time, after validating its header.
     *
     * @throws SafetensorsException when the file breaks a rule or a limit
     * @throws IOException when the file cannot be opened or read
     */
    public SafetensorsFile open(Path path) throws IOException {
        FileChannel ch = FileChannel.open(path, StandardOpenOption.READ);
        try {
            return new SafetensorsFile(ch, readHeader(ch, path.toString()), path.toString());
        } catch (RuntimeException | IOException e) {
            ch.close();
            throw e;
        }
    }

    /**
     * Returns every tensor of the file, in data-buffer order, with its metadata.
     *
     * @throws SafetensorsException when the file breaks a rule or a limit
     * @throws IOException when the file cannot be read
     */
    public ParameterSet read(Path path) throws IOException {
        try (SafetensorsFile file = open(path)) {
            return file.readAll();
        }
    }

    /**
     * Reads the 8-byte length and the header from a stream and leaves the stream at the start of
     * the data buffer. Reads exactly {@code 8 + N} bytes; needs no mark or reset.
     *
     * @param source name of the stream for error messages (a URL, a file name)
     * @throws SafetensorsException when the header breaks a rule or a limit, or the stream ends early
     * @throws IOException when the stream fails
     */
    public SafetensorsHeader readHeader(InputStream in, String source) throws IOException {
        byte[] prefix = in.readNBytes(8);
        if (prefix.length < 8) {
            throw new SafetensorsException(Kind.TRUNCATED, source,
                    "stream ends after " + prefix.length + " bytes, inside the 8-byte header length");
        }
        int n = checkHeaderLength(ByteBuffer.wrap(prefix).order(ByteOrder.LITTLE_ENDIAN).getLong(), source);
        byte[] json = in.readNBytes(n); // grows as bytes arrive, so a lying length cannot force a big allocation
        if (json.length < n) {
            throw new SafetensorsException(Kind.TRUNCATED, source,
                    "stream ends after " + json.length + " of " + n + " header bytes");
        }
        return HeaderParser.parse(json, n, source, limits);
    }

    /**
     * Reads a whole safetensors stream sequentially, one tensor at a time; the stream must end right
     * after the last tensor. The stream is not closed.
     *
     * @throws SafetensorsException when the content breaks a rule or a limit, or ends early
     * @throws IOException when the stream fails
     */
    public ParameterSet read(InputStream in, String source) throws IOException {
        SafetensorsHeader header = readHeader(in, source);
        ParameterSet.Builder set = ParameterSet.builder().putAllMetadata(header.metadata());
        for (TensorEntry e : header.entries()) {
            byte[] bytes = readTensor(in, e, source);
            set.add(new NamedTensor(e.name(), e.dtype(), e.shape(), ByteBuffer.wrap(bytes)));
        }
        if (in.read() != -1) {
            throw new SafetensorsException(Kind.OFFSETS_NOT_CONTIGUOUS, source,
                    "stream goes on after the last tensor ends at buffer offset " + header.dataLength());
        }
        return set.build();
    }

    /**
     * Reads one tensor's bytes, growing the array as bytes arrive (doubling from 1 MiB), so a header
     * that claims more than the stream holds costs at most twice the bytes actually received.
     */
    private static byte[] readTensor(InputStream in, TensorEntry e, String source) throws IOException {
        int length = SafetensorsFile.checkTensorFits(e, source);
        byte[] bytes = new byte[Math.min(length, FIRST_ALLOCATION)];
        int got = 0;
        while (got < length) {
            if (got == bytes.length) {
                bytes = Arrays.copyOf(bytes, (int) Math.min(length, 2L * bytes.length));
            }
            int n = in.read(bytes, got, bytes.length - got);
            if (n < 0) {
                throw new SafetensorsException(Kind.TRUNCATED, source, "stream ends after " + got + " of "
                        + length + " bytes of tensor " + HeaderParser.quote(e.name()));
            }
            got += n;
        }
        return bytes;
    }

    private SafetensorsHeader readHeader(FileChannel ch, String source) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafetensorsException(Kind.TRUNCATED, source,
                    "file is " + size + " bytes, shorter than the 8-byte header length");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        ChannelIo.readFully(ch, prefix, 0, source, "header length");
        int n = checkHeaderLength(prefix.getLong(0), source);
        if (8L + n > size) {
            throw new SafetensorsException(Kind.TRUNCATED, source,
                    "header length " + n + " reaches past the end of the " + size + "-byte file");
        }
        long buffer = size - 8 - n;
        if (buffer > limits.maxTotalBytes()) {
            throw new SafetensorsException(Kind.FILE_TOO_LARGE, source,
                    "data buffer is " + buffer + " bytes, above the limit of " + limits.maxTotalBytes());
        }
        ByteBuffer json = ByteBuffer.allocate(n);
        ChannelIo.readFully(ch, json, 8, source, "header");
        SafetensorsHeader header = HeaderParser.parse(json.array(), n, source, limits);
        checkBufferLength(header, buffer, source);
        return header;
    }

    private int checkHeaderLength(long n, String source) {
        if (n < 0 || n > limits.maxHeaderBytes()) {
            throw new SafetensorsException(Kind.HEADER_TOO_LARGE, source, "header length "
                    + Long.toUnsignedString(n) + " is above the limit of " + limits.maxHeaderBytes());
        }
        return (int) n;
    }

    private static void checkBufferLength(SafetensorsHeader header, long buffer, String source) {
        if (header.dataLength() > buffer) {
            TensorEntry past = header.entries().stream().filter(e -> e.end() > buffer).findFirst().orElseThrow();
            throw new SafetensorsException(Kind.OFFSETS_OUT_OF_RANGE, source, "tensor "
                    + HeaderParser.quote(past.name()) + " ends at buffer offset " + past.end()
                    + ", but the data buffer is " + buffer + " bytes");
        }
        if (header.dataLength() < buffer) {
            throw new SafetensorsException(Kind.OFFSETS_NOT_CONTIGUOUS, source, (buffer - header.dataLength())
                    + " bytes after the last tensor are not part of any tensor");
        }
    }
}
