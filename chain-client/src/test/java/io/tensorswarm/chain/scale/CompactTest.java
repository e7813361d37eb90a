package io.tensorswarm.chain.scale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import java.math.BigInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Compact integers per chain-spec §2.1; vectors {@code scale_compact} come from
 * parity-scale-codec {@code src/compact.rs} (test compact_integers_encoded_as_expected).
 */
class CompactTest {
    static Stream<JsonNode> vectors() {
        return ChainVectors.vectors("scale_compact").stream();
    }

    @ParameterizedTest
    @MethodSource("vectors")
    void encodesAndDecodesSpecVectors(JsonNode v) {
        BigInteger value = new BigInteger(v.get("value").asText());
        String hex = v.get("hex").asText();
        assertEquals(hex, Hex.encode(new ScaleWriter().writeCompact(value).toByteArray()));
        ScaleReader in = new ScaleReader(Hex.decode(hex));
        assertEquals(value, in.readCompact());
        in.requireEnd();
    }

    @ParameterizedTest
    @CsvSource({"00,0", "04,1", "a8,42", "0101,64", "02000100,16384"})
    void encodesLongValues(String hex, long value) {
        assertEquals(hex, Hex.encode(new ScaleWriter().writeCompact(value).toByteArray()));
    }

    @ParameterizedTest
    @CsvSource({"0100", "02000000", "0300000000", "07ffffffff00"})
    void rejectsNonMinimalEncodings(String hex) {
        assertThrows(ScaleDecodeException.class, () -> new ScaleReader(Hex.decode(hex)).readCompact());
    }

    @Test
    void rejectsTruncatedInputWithOffset() {
        ScaleDecodeException e = assertThrows(ScaleDecodeException.class,
                () -> new ScaleReader(Hex.decode("0b0000")).readCompact());
        assertEquals(1, e.offset());
    }

    @Test
    void rejectsNegativeValues() {
        assertThrows(IllegalArgumentException.class, () -> new ScaleWriter().writeCompact(-1));
    }

    @Test
    void readCompactIntRejectsValuesAboveIntRange() {
        assertThrows(ScaleDecodeException.class, () -> new ScaleReader(Hex.decode("03ffffffff")).readCompactInt());
    }
}
