package io.tensorswarm.chain.scale;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.ChainVectors;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** SCALE shapes per chain-spec §2.1, against the {@code scale_misc} vectors and hostile inputs. */
class ScaleMiscTest {
    /** Encoder and decoder for each {@code scale_misc} description. */
    private static final Map<String, Codec> CODECS = Map.of(
            "Vec<u16> [0,1]", new Codec(
                    () -> new ScaleWriter().writeVec(List.of(0, 1), ScaleWriter::writeU16),
                    r -> r.readVec(ScaleReader::readU16), List.of(0, 1)),
            "Option<u16> None", new Codec(
                    () -> new ScaleWriter().writeOption(Optional.<Integer>empty(), ScaleWriter::writeU16),
                    r -> r.readOption(ScaleReader::readU16), Optional.empty()),
            "Option<u16> Some(258)", new Codec(
                    () -> new ScaleWriter().writeOption(Optional.of(258), ScaleWriter::writeU16),
                    r -> r.readOption(ScaleReader::readU16), Optional.of(258)),
            "bool true", new Codec(() -> new ScaleWriter().writeBool(true), ScaleReader::readBool, true),
            "String 'Alice' (Vec<u8>)", new Codec(
                    () -> new ScaleWriter().writeString("Alice"), ScaleReader::readString, "Alice"),
            "u64 10002000 LE", new Codec(
                    () -> new ScaleWriter().writeU64(10002000L), ScaleReader::readI64, 10002000L),
            "u128 IPv4 1.2.3.4 as integer 16909060 LE", new Codec(
                    () -> new ScaleWriter().writeU128(BigInteger.valueOf(16909060)), ScaleReader::readU128,
                    BigInteger.valueOf(16909060)));

    private record Codec(Supplier<ScaleWriter> write, Function<ScaleReader, Object> read, Object expected) {}

    @Test
    void everyMiscVectorRoundTrips() {
        ChainVectors.vectors("scale_misc").forEach(v -> {
            String desc = v.get("desc").asText();
            Codec codec = CODECS.get(desc);
            assertTrue(codec != null, "no codec for vector " + desc);
            String hex = v.get("hex").asText();
            assertEquals(hex, Hex.encode(codec.write().get().toByteArray()), desc);
            ScaleReader in = new ScaleReader(Hex.decode(hex));
            assertEquals(codec.expected(), codec.read().apply(in), desc);
            in.requireEnd();
        });
    }

    @Test
    void fixedIntegersRoundTripAtTheirLimits() {
        ScaleWriter w = new ScaleWriter()
                .writeU8(255).writeI8(-128).writeU16(65535).writeI16(-32768).writeU32(4294967295L)
                .writeI32(Integer.MIN_VALUE).writeU64(new BigInteger("18446744073709551615"))
                .writeI64(Long.MIN_VALUE).writeU128(BigInteger.TWO.pow(128).subtract(BigInteger.ONE))
                .writeI128(BigInteger.TWO.pow(127).negate());
        ScaleReader r = new ScaleReader(ByteBuffer.wrap(w.toByteArray()));
        assertEquals(255, r.readU8());
        assertEquals(-128, r.readI8());
        assertEquals(65535, r.readU16());
        assertEquals(-32768, r.readI16());
        assertEquals(4294967295L, r.readU32());
        assertEquals(Integer.MIN_VALUE, r.readI32());
        assertEquals(new BigInteger("18446744073709551615"), r.readU64());
        assertEquals(Long.MIN_VALUE, r.readI64());
        assertEquals(BigInteger.TWO.pow(128).subtract(BigInteger.ONE), r.readU128());
        assertEquals(BigInteger.TWO.pow(127).negate(), r.readI128());
        r.requireEnd();
    }

    @Test
    void i128MinusOneIsAllOnes() {
        assertEquals("ffffffffffffffffffffffffffffffff",
                Hex.encode(new ScaleWriter().writeI128(BigInteger.ONE.negate()).toByteArray()));
    }

    @Test
    void writersRejectOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeU8(256));
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeU16(-1));
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeU128(BigInteger.TWO.pow(128)));
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeI128(BigInteger.TWO.pow(127)));
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeAccountId(new byte[31]));
    }

    @Test
    void hostileVecLengthFailsBeforeAllocating() {
        // Compact(2^30) items of u16 with two bytes of input.
        ScaleReader in = new ScaleReader(Hex.decode("030000004000000000"));
        ScaleDecodeException e = assertThrows(ScaleDecodeException.class, () -> in.readVec(2, ScaleReader::readU16));
        assertEquals(0, e.offset());
    }

    @Test
    void zeroSizeItemsAreCappedByMaxLength() {
        ScaleReader in = new ScaleReader(Hex.decode("fdff")).withMaxLength(1000);
        assertThrows(ScaleDecodeException.class, () -> in.readVec(0, r -> "unit"));
    }

    @Test
    void truncatedReadsReportTheOffset() {
        ScaleReader in = new ScaleReader(Hex.decode("0102"));
        in.readU8();
        ScaleDecodeException e = assertThrows(ScaleDecodeException.class, in::readU32);
        assertEquals(1, e.offset());
        assertFalse(e.retryable());
    }

    @Test
    void rejectsInvalidBoolOptionTagAndUtf8() {
        assertThrows(ScaleDecodeException.class, () -> new ScaleReader(new byte[] {2}).readBool());
        assertThrows(ScaleDecodeException.class,
                () -> new ScaleReader(new byte[] {2, 0}).readOption(ScaleReader::readU8));
        assertThrows(ScaleDecodeException.class, () -> new ScaleReader(Hex.decode("04ff")).readString());
    }

    @Test
    void trailingBytesAreReported() {
        ScaleReader in = new ScaleReader(Hex.decode("0100"));
        in.readBool();
        assertThrows(ScaleDecodeException.class, in::requireEnd);
    }

    @Test
    void rawAndLengthPrefixedBytesRoundTrip() {
        byte[] bytes = {1, 2, 3};
        byte[] enc = new ScaleWriter().writeBytes(bytes).writeByteVec(bytes).toByteArray();
        assertEquals("0102030c010203", Hex.encode(enc));
        ScaleReader in = new ScaleReader(enc);
        assertArrayEquals(bytes, in.readBytes(3));
        assertArrayEquals(bytes, in.readByteVec());
    }
}
