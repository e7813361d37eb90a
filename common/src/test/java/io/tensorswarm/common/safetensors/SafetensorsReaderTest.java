package io.tensorswarm.common.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Round trips through the writer and reader, from paths and from plain streams. */
class SafetensorsReaderTest {
    @TempDir Path dir;

    private static NamedTensor randomTensor(String name, DType dtype, long[] shape, long seed) {
        int bytes = (int) (io.tensorswarm.common.tensor.Shapes.elementCount(shape) * dtype.byteSize());
        byte[] data = new byte[bytes];
        new Random(seed).nextBytes(data);
        return new NamedTensor(name, dtype, shape, ByteBuffer.wrap(data));
    }

    private static void assertSameSet(ParameterSet expected, ParameterSet actual) {
        assertEquals(expected.names(), actual.names());
        assertEquals(expected.metadata(), actual.metadata());
        for (NamedTensor e : expected) {
            NamedTensor a = actual.require(e.name());
            assertEquals(e.dtype(), a.dtype(), e.name());
            assertArrayEquals(e.shape(), a.shape(), e.name());
            assertEquals(e.data(), a.data(), e.name());
        }
    }

    private static byte[] bytesOf(ParameterSet set) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(set, out);
        return out.toByteArray();
    }

    /** A stream that hands out at most 3 bytes per read and cannot mark, reset or skip. */
    private static InputStream trickle(byte[] bytes) {
        ByteArrayInputStream in = new ByteArrayInputStream(bytes);
        return new InputStream() {
            @Override
            public int read() {
                return in.read();
            }

            @Override
            public int read(byte[] b, int off, int len) {
                return in.read(b, off, Math.min(len, 3));
            }

            @Override
            public boolean markSupported() {
                return false;
            }

            @Override
            public long skip(long n) {
                throw new UnsupportedOperationException("skip");
            }
        };
    }

    @ParameterizedTest
    @EnumSource(DType.class)
    void roundTripsEveryDtypeThroughAPathAndAStream(DType dtype) throws IOException {
        ParameterSet set = ParameterSet.builder()
                .add(randomTensor("matrix", dtype, new long[] {3, 5}, 1))
                .add(randomTensor("scalar", dtype, new long[] {}, 2))
                .add(randomTensor("empty", dtype, new long[] {0, 4}, 3))
                .add(randomTensor("cube", dtype, new long[] {2, 2, 2}, 4))
                .build();
        Path file = dir.resolve(dtype + ".safetensors");
        new SafetensorsWriter().write(set, file);
        assertSameSet(set, new SafetensorsReader().read(file));
        assertSameSet(set, new SafetensorsReader().read(trickle(Files.readAllBytes(file)), "stream"));
    }

    @Test
    void roundTripsMetadataWithUnicodeAndKeepsTensorOrder() throws IOException {
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("z.last.name.first", new long[] {1}, new float[] {3f}))
                .add(NamedTensor.ofFloats("a.first.name.last", new long[] {2}, new float[] {1f, 2f}))
                .putMetadata("format", "pt")
                .putMetadata("codec", "bf16")
                .putMetadata("note", "Grüße \"quoted\" ✓")
                .build();
        ParameterSet back = new SafetensorsReader().read(trickle(bytesOf(set)), "stream");
        assertSameSet(set, back);
        assertEquals(List.of("z.last.name.first", "a.first.name.last"), back.names());
        assertEquals(Map.of("format", "pt", "codec", "bf16", "note", "Grüße \"quoted\" ✓"), back.metadata());
    }

    @Test
    void readsTheHeaderAloneAndLeavesAStreamAtTheData() throws IOException {
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {2}, new float[] {1f, 2f}))
                .add(NamedTensor.ofFloats("b", new long[] {1}, new float[] {5f}))
                .build();
        byte[] bytes = bytesOf(set);
        InputStream in = trickle(bytes);
        SafetensorsHeader header = new SafetensorsReader().readHeader(in, "stream");
        assertEquals(List.of(new TensorEntry("a", DType.F32, new long[] {2}, 0, 8),
                new TensorEntry("b", DType.F32, new long[] {1}, 8, 12)), header.entries());
        assertEquals(12, header.dataLength());
        assertEquals(bytes.length, header.fileLength());
        assertArrayEquals(RawFiles.floatsLe(1f, 2f, 5f), in.readAllBytes());

        Path file = dir.resolve("h.safetensors");
        Files.write(file, bytes);
        assertEquals(header.entries(), new SafetensorsReader().readHeader(file).entries());
    }

    @Test
    void readsTensorsLazilyAndByRange() throws IOException {
        float[] values = {0f, 1f, 2f, 3f, 4f, 5f};
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("w", new long[] {2, 3}, values))
                .add(NamedTensor.ofFloats("b", new long[] {1}, new float[] {9f}))
                .build();
        Path file = dir.resolve("lazy.safetensors");
        new SafetensorsWriter().write(set, file);
        try (SafetensorsFile f = new SafetensorsReader().open(file)) {
            assertArrayEquals(new float[] {9f}, f.read("b").toFloats());
            ByteBuffer range = ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            f.readRange("w", 12, range);
            assertEquals(3f, range.getFloat(0));
            assertEquals(4f, range.getFloat(4));
            SafetensorsException missing = assertThrows(SafetensorsException.class, () -> f.read("nope"));
            assertEquals(SafetensorsException.Kind.NO_SUCH_TENSOR, missing.kind());
            assertThrows(IllegalArgumentException.class, () -> f.readRange("w", 20, ByteBuffer.allocate(8)));
        }
    }

    @Test
    void readsFilesWhoseHeaderListsTensorsOutOfBufferOrder() throws IOException {
        String json = "{\"b\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]},"
                + "\"a\":{\"data_offsets\":[0,4],\"shape\":[1],\"dtype\":\"F32\"},\"__metadata__\":null}";
        byte[] file = RawFiles.file(json, RawFiles.floatsLe(1f, 2f));
        ParameterSet set = new SafetensorsReader().read(new ByteArrayInputStream(file), "mem");
        assertEquals(List.of("a", "b"), set.names());
        assertArrayEquals(new float[] {2f}, set.require("b").toFloats());
        assertEquals(Map.of(), set.metadata());
    }
}
