package io.tensorswarm.common.safetensors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.tensorswarm.common.safetensors.SafetensorsException.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every header rule, checked on hand-built files from both a path and a stream: each violation is a
 * {@link SafetensorsException} of the right kind, thrown before the data is allocated.
 */
class SafetensorsValidationTest {
    @TempDir Path dir;

    private static final String A_OK = "\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]}";

    private static String entry(String name, String dtype, String shape, String offsets) {
        return "\"" + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    }

    private SafetensorsException rejectFromPath(byte[] bytes, ReadLimits limits) throws IOException {
        Path file = Files.write(dir.resolve("bad.safetensors"), bytes);
        return assertThrows(SafetensorsException.class, () -> new SafetensorsReader(limits).read(file));
    }

    private static SafetensorsException rejectFromStream(byte[] bytes, ReadLimits limits) {
        return assertThrows(SafetensorsException.class,
                () -> new SafetensorsReader(limits).read(new ByteArrayInputStream(bytes), "mem"));
    }

    private void assertRejected(Kind kind, byte[] bytes, ReadLimits limits) throws IOException {
        SafetensorsException fromPath = rejectFromPath(bytes, limits);
        assertEquals(kind, fromPath.kind(), fromPath.getMessage());
        SafetensorsException fromStream = rejectFromStream(bytes, limits);
        assertEquals(kind, fromStream.kind(), fromStream.getMessage());
        assertEquals(-1, fromPath.getMessage().indexOf('\n'), "one-line message");
    }

    static Stream<Arguments> badHeaders() {
        return Stream.of(
                Arguments.of("not JSON", "hello", 0, Kind.HEADER_MALFORMED),
                Arguments.of("a JSON array", "[1,2]", 0, Kind.HEADER_MALFORMED),
                Arguments.of("unterminated object", "{" + A_OK, 8, Kind.HEADER_MALFORMED),
                Arguments.of("content after the object", "{" + A_OK + "} x", 8, Kind.HEADER_MALFORMED),
                Arguments.of("entry that is a string", "{\"a\":\"F32\"}", 0, Kind.HEADER_MALFORMED),
                Arguments.of("missing dtype", "{\"a\":{\"shape\":[2],\"data_offsets\":[0,8]}}", 8, Kind.HEADER_MALFORMED),
                Arguments.of("unknown field", "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8],\"x\":1}}", 8,
                        Kind.HEADER_MALFORMED),
                Arguments.of("repeated field", "{\"a\":{\"dtype\":\"F32\",\"dtype\":\"F32\",\"shape\":[2],"
                        + "\"data_offsets\":[0,8]}}", 8, Kind.HEADER_MALFORMED),
                Arguments.of("dtype as a number", "{" + entry("a", "F32", "[2]", "[0,8]").replace("\"F32\"", "32") + "}", 8,
                        Kind.HEADER_MALFORMED),
                Arguments.of("three offsets", "{" + entry("a", "F32", "[2]", "[0,8,8]") + "}", 8, Kind.HEADER_MALFORMED),
                Arguments.of("one offset", "{" + entry("a", "F32", "[2]", "[8]") + "}", 8, Kind.HEADER_MALFORMED),
                Arguments.of("offsets as an object", "{" + entry("a", "F32", "[2]", "{}") + "}", 8, Kind.HEADER_MALFORMED),
                Arguments.of("deep nesting", "{" + entry("a", "F32", "[".repeat(50) + "]".repeat(50), "[0,8]") + "}", 8,
                        Kind.HEADER_MALFORMED),
                Arguments.of("dtype outside the supported set", "{" + entry("a", "F8_E4M3", "[2]", "[0,2]") + "}", 2,
                        Kind.UNKNOWN_DTYPE),
                Arguments.of("dtype in lower case", "{" + entry("a", "f32", "[2]", "[0,8]") + "}", 8, Kind.UNKNOWN_DTYPE),
                Arguments.of("negative dimension", "{" + entry("a", "F32", "[-2]", "[0,8]") + "}", 8, Kind.BAD_SHAPE),
                Arguments.of("fractional dimension", "{" + entry("a", "F32", "[2.0]", "[0,8]") + "}", 8, Kind.BAD_SHAPE),
                Arguments.of("dimension as a string", "{" + entry("a", "F32", "[\"2\"]", "[0,8]") + "}", 8, Kind.BAD_SHAPE),
                Arguments.of("dimension above 2^63", "{" + entry("a", "F32", "[99999999999999999999]", "[0,8]") + "}", 8,
                        Kind.BAD_SHAPE),
                Arguments.of("element count overflowing", "{" + entry("a", "F32", "[4294967296,4294967296]", "[0,8]") + "}",
                        8, Kind.BAD_SHAPE),
                Arguments.of("byte count overflowing", "{" + entry("a", "F64", "[2305843009213693952]", "[0,8]") + "}",
                        8, Kind.BAD_SHAPE),
                Arguments.of("65 dimensions", "{" + entry("a", "U8", "[" + "1,".repeat(64) + "1]", "[0,1]") + "}", 1,
                        Kind.BAD_SHAPE),
                Arguments.of("shape as a number", "{" + entry("a", "F32", "2", "[0,8]") + "}", 8, Kind.BAD_SHAPE),
                Arguments.of("offsets reversed", "{" + entry("a", "F32", "[0]", "[8,0]") + "}", 8, Kind.OFFSETS_OUT_OF_RANGE),
                Arguments.of("negative offset", "{" + entry("a", "F32", "[2]", "[-8,0]") + "}", 8, Kind.OFFSETS_OUT_OF_RANGE),
                Arguments.of("gap between tensors", "{" + entry("a", "F32", "[1]", "[0,4]") + ","
                        + entry("b", "F32", "[1]", "[8,12]") + "}", 12, Kind.OFFSETS_NOT_CONTIGUOUS),
                Arguments.of("gap at the start", "{" + entry("a", "F32", "[1]", "[4,8]") + "}", 8,
                        Kind.OFFSETS_NOT_CONTIGUOUS),
                Arguments.of("overlapping tensors", "{" + entry("a", "F32", "[2]", "[0,8]") + ","
                        + entry("b", "F32", "[1]", "[4,8]") + "}", 8, Kind.OVERLAP),
                Arguments.of("empty tensor inside another", "{" + entry("a", "F32", "[2]", "[0,8]") + ","
                        + entry("b", "F32", "[0]", "[4,4]") + "}", 8, Kind.OVERLAP),
                Arguments.of("range shorter than the shape", "{" + entry("a", "F32", "[2]", "[0,4]") + "}", 4,
                        Kind.SIZE_MISMATCH),
                Arguments.of("range longer than the shape", "{" + entry("a", "BF16", "[2]", "[0,8]") + "}", 8,
                        Kind.SIZE_MISMATCH),
                Arguments.of("repeated tensor name", "{" + A_OK + "," + A_OK + "}", 8, Kind.DUPLICATE_NAME),
                Arguments.of("repeated metadata", "{\"__metadata__\":{},\"__metadata__\":{}}", 0, Kind.DUPLICATE_NAME),
                Arguments.of("metadata value a number", "{\"__metadata__\":{\"k\":1}}", 0, Kind.BAD_METADATA),
                Arguments.of("metadata value an object", "{\"__metadata__\":{\"k\":{}}}", 0, Kind.BAD_METADATA),
                Arguments.of("metadata an array", "{\"__metadata__\":[\"k\",\"v\"]}", 0, Kind.BAD_METADATA),
                Arguments.of("metadata key repeated", "{\"__metadata__\":{\"k\":\"a\",\"k\":\"b\"}}", 0, Kind.BAD_METADATA));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badHeaders")
    void rejectsBadHeaders(String description, String json, int dataBytes, Kind kind) throws IOException {
        assertRejected(kind, RawFiles.file(json, RawFiles.zeros(dataBytes)), ReadLimits.defaults());
    }

    @Test
    void rejectsInvalidUtf8InTheHeader() throws IOException {
        byte[] json = "{\"\u00e9\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[0,0]}}".getBytes(StandardCharsets.ISO_8859_1);
        assertRejected(Kind.HEADER_MALFORMED, RawFiles.withLengthField(json.length, json, new byte[0]),
                ReadLimits.defaults());
    }

    @Test
    void namesTheSourceAndTensorInOneLine() {
        byte[] bytes = RawFiles.file("{" + entry("h.0.attn", "F8_E4M3", "[2]", "[0,2]") + "}", RawFiles.zeros(2));
        SafetensorsException e = rejectFromStream(bytes, ReadLimits.defaults());
        assertEquals("mem: tensor 'h.0.attn': unknown dtype 'F8_E4M3'", e.getMessage());
        assertEquals("mem", e.source());
    }

    @Test
    void rejectsAHeaderLengthAboveTheCapBeforeReadingIt() throws IOException {
        byte[] header = "{}      ".getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = RawFiles.withLengthField(header.length, header, new byte[0]);
        assertRejected(Kind.HEADER_TOO_LARGE, bytes, ReadLimits.defaults().withMaxHeaderBytes(7));
        byte[] huge = RawFiles.withLengthField(-1L, header, new byte[0]); // 2^64 - 1 as an unsigned u64
        SafetensorsException e = rejectFromStream(huge, ReadLimits.defaults());
        assertEquals("mem: header length 18446744073709551615 is above the limit of 100000000", e.getMessage());
    }

    @Test
    void rejectsAHeaderLengthPastTheEndOfTheInput() throws IOException {
        byte[] header = "{}".getBytes(StandardCharsets.US_ASCII);
        assertRejected(Kind.TRUNCATED, RawFiles.withLengthField(1000, header, new byte[0]), ReadLimits.defaults());
    }

    @Test
    void rejectsInputsShorterThanTheLengthField() throws IOException {
        assertRejected(Kind.TRUNCATED, new byte[] {2, 0, 0}, ReadLimits.defaults());
        assertRejected(Kind.TRUNCATED, new byte[0], ReadLimits.defaults());
    }

    @Test
    void rejectsATensorReachingPastTheEndOfTheData() throws IOException {
        byte[] bytes = RawFiles.file("{" + entry("a", "F32", "[2]", "[0,8]") + "}", RawFiles.zeros(5));
        SafetensorsException fromPath = rejectFromPath(bytes, ReadLimits.defaults());
        assertEquals(Kind.OFFSETS_OUT_OF_RANGE, fromPath.kind());
        SafetensorsException fromStream = rejectFromStream(bytes, ReadLimits.defaults());
        assertEquals(Kind.TRUNCATED, fromStream.kind());
        assertEquals("mem: stream ends after 5 of 8 bytes of tensor 'a'", fromStream.getMessage());
    }

    @Test
    void rejectsBytesAfterTheLastTensor() throws IOException {
        assertRejected(Kind.OFFSETS_NOT_CONTIGUOUS, RawFiles.file("{" + A_OK + "}", RawFiles.zeros(9)),
                ReadLimits.defaults());
    }

    @Test
    void rejectsDataAboveTheTotalCapBeforeAllocatingIt() throws IOException {
        byte[] bytes = RawFiles.file("{" + A_OK + "}", RawFiles.zeros(8));
        assertRejected(Kind.FILE_TOO_LARGE, bytes, ReadLimits.defaults().withMaxTotalBytes(7));
        // A header claiming 1 TB with no data behind it fails on the cap, not on memory.
        byte[] claim = RawFiles.file("{" + entry("a", "U8", "[1000000000000]", "[0,1000000000000]") + "}", new byte[0]);
        assertEquals(Kind.FILE_TOO_LARGE, rejectFromStream(claim, ReadLimits.defaults().withMaxTotalBytes(1 << 20)).kind());
    }

    @Test
    void rejectsATensorTooLargeForOneBufferBeforeAllocatingIt() {
        byte[] claim = RawFiles.file("{" + entry("a", "U8", "[3000000000]", "[0,3000000000]") + "}", new byte[0]);
        assertEquals(Kind.TENSOR_TOO_LARGE, rejectFromStream(claim, ReadLimits.defaults()).kind());
    }

    @Test
    void acceptsAHeaderOfAHugeTensorWhenOnlyTheHeaderIsRead() throws IOException {
        byte[] claim = RawFiles.file("{" + entry("a", "U8", "[3000000000]", "[0,3000000000]") + "}", new byte[0]);
        SafetensorsHeader h = new SafetensorsReader().readHeader(new ByteArrayInputStream(claim), "mem");
        assertEquals(3_000_000_000L, h.dataLength());
    }

    @Test
    void rejectsMoreTensorsThanTheCap() throws IOException {
        byte[] bytes = RawFiles.file("{" + entry("a", "F32", "[1]", "[0,4]") + "," + entry("b", "F32", "[1]", "[4,8]")
                + "}", RawFiles.zeros(8));
        assertRejected(Kind.TOO_MANY_TENSORS, bytes, ReadLimits.defaults().withMaxTensors(1));
    }
}
