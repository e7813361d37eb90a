package io.tensorswarm.common.safetensors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.tensor.DType;
import io.tensorswarm.common.tensor.NamedTensor;
import io.tensorswarm.common.tensor.ParameterSet;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer against the format spec (huggingface/safetensors README, "Format"): an 8-byte
 * little-endian header length, compact JSON padded with spaces to a multiple of 8, then the tensor
 * bytes back to back in set order.
 */
class SafetensorsWriterTest {
    @TempDir Path dir;

    private static ParameterSet smallSet() {
        return ParameterSet.builder()
                .add(NamedTensor.ofFloats("a", new long[] {2}, new float[] {1.0f, -2.0f}))
                .add(new NamedTensor("b", DType.I8, new long[] {3}, ByteBuffer.wrap(new byte[] {1, -1, 127})))
                .putMetadata("format", "pt")
                .build();
    }

    /** The exact file, built by hand: 138 JSON bytes padded by 6 spaces to 144 = 0x90. */
    private static byte[] expectedSmallFile() {
        String json = "{\"__metadata__\":{\"format\":\"pt\"},"
                + "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                + "\"b\":{\"dtype\":\"I8\",\"shape\":[3],\"data_offsets\":[8,11]}}";
        assertEquals(138, json.length());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x90, 0, 0, 0, 0, 0, 0, 0});
        out.writeBytes(json.getBytes(StandardCharsets.US_ASCII));
        out.writeBytes("      ".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(new byte[] {0, 0, (byte) 0x80, 0x3f}); // 1.0f = 0x3f800000
        out.writeBytes(new byte[] {0, 0, 0, (byte) 0xc0}); // -2.0f = 0xc0000000
        out.writeBytes(new byte[] {1, -1, 127});
        return out.toByteArray();
    }

    @Test
    void writesTheExactBytesTheSpecDescribes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(smallSet(), out);
        assertArrayEquals(expectedSmallFile(), out.toByteArray());
    }

    @Test
    void writesTheSameBytesToAPath() throws IOException {
        Path file = dir.resolve("small.safetensors");
        new SafetensorsWriter().write(smallSet(), file);
        assertArrayEquals(expectedSmallFile(), Files.readAllBytes(file));
    }

    @Test
    void padsAnEmptySetToEightBytesAndOmitsEmptyMetadata() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(ParameterSet.builder().build(), out);
        byte[] expected = {8, 0, 0, 0, 0, 0, 0, 0, '{', '}', ' ', ' ', ' ', ' ', ' ', ' '};
        assertArrayEquals(expected, out.toByteArray());
    }

    @Test
    void escapesNamesAndMetadataAsJson() throws IOException {
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("q\"x\\y", new long[] {}, new float[] {0f}))
                .putMetadata("note", "line1\nline2")
                .build();
        byte[] header = new SafetensorsWriter().headerFor(set).encode();
        String json = new String(header, StandardCharsets.UTF_8).stripTrailing();
        assertEquals("{\"__metadata__\":{\"note\":\"line1\\nline2\"},"
                + "\"q\\\"x\\\\y\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}", json);
    }

    @Test
    void replacesAnExistingFileAndLeavesNoTemporaryFiles() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old content");
        new SafetensorsWriter().write(smallSet(), file);
        assertArrayEquals(expectedSmallFile(), Files.readAllBytes(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void keepsTheOldFileWhenTheSourceFails() throws IOException {
        Path file = dir.resolve("model.safetensors");
        Files.writeString(file, "old content");
        SafetensorsHeader header = SafetensorsHeader.builder().add("x", DType.F32, new long[] {4}).build();
        TensorSource failing = (e, out) -> {
            out.write(new byte[8]);
            throw new IOException("upstream failed");
        };
        assertThrows(IOException.class, () -> new SafetensorsWriter().write(header, failing, file));
        assertEquals("old content", Files.readString(file));
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(1, files.count());
        }
    }

    @Test
    void streamsTensorsFromASourceInHeaderOrder() throws IOException {
        SafetensorsHeader header = SafetensorsHeader.builder()
                .add("a", DType.F32, new long[] {2})
                .add("b", DType.I8, new long[] {3})
                .putMetadata("format", "pt")
                .build();
        TensorSource source = (e, out) -> {
            if (e.name().equals("a")) {
                out.write(RawFiles.floatsLe(1.0f, -2.0f));
            } else {
                out.write(1);
                out.write(new byte[] {-1, 127});
            }
        };
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        new SafetensorsWriter().write(header, source, out);
        assertArrayEquals(expectedSmallFile(), out.toByteArray());
        Path file = dir.resolve("streamed.safetensors");
        new SafetensorsWriter().write(header, source, file);
        assertArrayEquals(expectedSmallFile(), Files.readAllBytes(file));
    }

    @Test
    void rejectsASourceThatWritesTooFewOrTooManyBytes() {
        SafetensorsHeader header = SafetensorsHeader.builder().add("a", DType.F32, new long[] {2}).build();
        OutputStream sink = OutputStream.nullOutputStream();
        IllegalStateException few = assertThrows(IllegalStateException.class,
                () -> new SafetensorsWriter().write(header, (e, out) -> out.write(new byte[7]), sink));
        assertEquals("tensor source wrote 7 bytes for a F32[2] [0, 8), which needs 8", few.getMessage());
        assertThrows(IllegalStateException.class,
                () -> new SafetensorsWriter().write(header, (e, out) -> out.write(new byte[9]), sink));
    }

    @Test
    void convertsF32ToBf16AndF16OnWriteRoundingToNearestEven() throws IOException {
        // 1 + 2^-8 is a tie between bf16 1.0 and 1 + 2^-7; even mantissa wins -> 1.0 (0x3f80).
        // 1 + 3*2^-8 is a tie between 1 + 2^-7 and 1 + 2^-6 -> 1 + 2^-6 (0x3f82).
        float[] values = {1.0f + 0x1p-8f, 1.0f + 3 * 0x1p-8f, -2.0f};
        ParameterSet set = ParameterSet.builder()
                .add(NamedTensor.ofFloats("w", new long[] {3}, values))
                .add(new NamedTensor("ids", DType.I32, new long[] {1}, ByteBuffer.wrap(new byte[] {7, 0, 0, 0})))
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        SafetensorsWriter.convertingF32To(DType.BF16).write(set, out);
        ParameterSet back = new SafetensorsReader().read(new java.io.ByteArrayInputStream(out.toByteArray()), "mem");
        assertEquals(DType.BF16, back.require("w").dtype());
        assertEquals(DType.I32, back.require("ids").dtype());
        assertArrayEquals(new float[] {1.0f, 1.0f + 0x1p-6f, -2.0f}, back.require("w").toFloats());

        out.reset();
        SafetensorsWriter.convertingF32To(DType.F16).write(set, out);
        back = new SafetensorsReader().read(new java.io.ByteArrayInputStream(out.toByteArray()), "mem");
        assertEquals(DType.F16, back.require("w").dtype());
        // F16 has 10 mantissa bits, so these values are exact.
        assertArrayEquals(values, back.require("w").toFloats());
    }

    @Test
    void refusesToConvertF32ToAnIntegerType() {
        assertThrows(IllegalArgumentException.class, () -> SafetensorsWriter.convertingF32To(DType.I8));
    }
}
