package io.tensorswarm.common.safetensors;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.HalfFloats;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Writes safetensors files tensor by tensor, never building the file in memory. Thread-safe: it
 * holds only its settings.
 *
 * <p>Tensors are written in the order of the {@link ParameterSet} (or of the {@link
 * SafetensorsHeader}), back to back; the header is compact JSON with {@code __metadata__} first,
 * padded with spaces to a multiple of 8 bytes, as the Hugging Face library pads it. Writing to a
 * {@link Path} is atomic: a reader sees either the old file or the complete new one.
 *
 * <pre>{@code
 * new SafetensorsWriter().write(delta, Path.of("delta.safetensors"));
 * SafetensorsWriter.convertingF32To(DType.BF16).write(delta, out); // halves the bytes
 * }</pre>
 */
public final class SafetensorsWriter {
    private final DType f32As;

    /** Creates a writer that writes every tensor in its own dtype. */
    public SafetensorsWriter() {
        this(DType.F32);
    }

    private SafetensorsWriter(DType f32As) {
        this.f32As = f32As;
    }

    /**
     * Returns a writer that stores F32 tensors as {@code target} (rounding to nearest even); other
     * dtypes are written unchanged.
     *
     * @throws IllegalArgumentException when {@code target} is not F32, F16 or BF16
     */
    public static SafetensorsWriter convertingF32To(DType target) {
        if (target != DType.F32 && target != DType.F16 && target != DType.BF16) {
            throw new IllegalArgumentException("F32 tensors can be written as F32, F16 or BF16, not " + target);
        }
        return new SafetensorsWriter(target);
    }

    /** Returns the header this writer writes for {@code set}, with any dtype conversion applied. */
    public SafetensorsHeader headerFor(ParameterSet set) {
        SafetensorsHeader.Builder b = SafetensorsHeader.builder().putAllMetadata(set.metadata());
        for (NamedTensor t : set) {
            b.add(t.name(), targetType(t), t.shape());
        }
        return b.build();
    }

    /** Writes {@code set} to {@code out}, which is flushed but not closed. */
    public void write(ParameterSet set, OutputStream out) throws IOException {
        SafetensorsHeader header = headerFor(set);
        writePrefix(header, out);
        byte[] chunk = new byte[ChannelIo.CHUNK];
        for (NamedTensor t : set) {
            ByteBuffer bytes = targetType(t) == t.dtype() ? t.data() : converted(t);
            while (bytes.hasRemaining()) {
                int n = Math.min(chunk.length, bytes.remaining());
                bytes.get(chunk, 0, n);
                out.write(chunk, 0, n);
            }
        }
        out.flush();
    }

    /** Writes {@code set} to {@code path} atomically, replacing any file there. */
    public void write(ParameterSet set, Path path) throws IOException {
        SafetensorsHeader header = headerFor(set);
        AtomicFiles.write(path, ch -> {
            ChannelIo.writeFully(ch, ByteBuffer.wrap(prefix(header)));
            for (NamedTensor t : set) {
                ChannelIo.writeFully(ch, targetType(t) == t.dtype() ? t.data() : converted(t));
            }
        });
    }

    /**
     * Writes {@code header} and then each tensor's bytes as {@code source} produces them, to {@code
     * out}, which is flushed but not closed.
     *
     * @throws IllegalStateException when the source writes more or fewer bytes than a tensor needs
     */
    public void write(SafetensorsHeader header, TensorSource source, OutputStream out) throws IOException {
        writePrefix(header, out);
        for (TensorEntry e : header.entries()) {
            produce(e, source, out);
        }
        out.flush();
    }

    /**
     * Writes {@code header} and then each tensor's bytes as {@code source} produces them, to {@code
     * path} atomically.
     *
     * @throws IllegalStateException when the source writes more or fewer bytes than a tensor needs
     */
    public void write(SafetensorsHeader header, TensorSource source, Path path) throws IOException {
        AtomicFiles.write(path, ch -> {
            OutputStream out = new BufferedOutputStream(Channels.newOutputStream(ch), ChannelIo.CHUNK);
            write(header, source, out);
        });
    }

    private DType targetType(NamedTensor t) {
        return t.dtype() == DType.F32 ? f32As : t.dtype();
    }

    /** Returns the tensor narrowed from F32 to this writer's target type. */
    private ByteBuffer converted(NamedTensor t) {
        FloatBuffer in = t.data().asFloatBuffer();
        ByteBuffer out = ByteBuffer.allocate(Math.multiplyExact(in.remaining(), 2)).order(ByteOrder.LITTLE_ENDIAN);
        boolean bf16 = f32As == DType.BF16;
        while (in.hasRemaining()) {
            float v = in.get();
            out.putShort(bf16 ? HalfFloats.floatToBf16(v) : HalfFloats.floatToF16(v));
        }
        return out.flip();
    }

    private static void produce(TensorEntry e, TensorSource source, OutputStream out) throws IOException {
        CountingOutputStream counted = new CountingOutputStream(out, e);
        source.writeTensor(e, counted);
        if (counted.count() != e.byteLength()) {
            throw new IllegalStateException("tensor source wrote " + counted.count() + " bytes for " + e
                    + ", which needs " + e.byteLength());
        }
    }

    private static void writePrefix(SafetensorsHeader header, OutputStream out) throws IOException {
        out.write(prefix(header));
    }

    /** Returns the 8-byte length and the padded header JSON. */
    private static byte[] prefix(SafetensorsHeader header) {
        byte[] json = header.encode();
        ByteBuffer b = ByteBuffer.allocate(8 + json.length).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(json.length).put(json);
        return b.array();
    }

    /** Passes bytes through, refusing more than one tensor's length; never closes the target. */
    private static final class CountingOutputStream extends OutputStream {
        private final OutputStream target;
        private final TensorEntry entry;
        private long count;

        CountingOutputStream(OutputStream target, TensorEntry entry) {
            this.target = Objects.requireNonNull(target);
            this.entry = entry;
        }

        long count() {
            return count;
        }

        @Override
        public void write(int b) throws IOException {
            reserve(1);
            target.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            reserve(len);
            target.write(b, off, len);
        }

        @Override
        public void flush() throws IOException {
            target.flush();
        }

        @Override
        public void close() {
            // the writer owns the target
        }

        private void reserve(int n) {
            if (count + n > entry.byteLength()) {
                throw new IllegalStateException("tensor source wrote more than " + entry.byteLength()
                        + " bytes for " + entry);
            }
            count += n;
        }
    }
}
