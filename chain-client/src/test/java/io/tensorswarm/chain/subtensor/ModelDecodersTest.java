package io.tensorswarm.chain.subtensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.crypto.Ss58Address;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.ValueDecoder;
import io.tensorswarm.chain.model.AxonInfo;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.model.Neuron;
import io.tensorswarm.chain.scale.Hex;
import io.tensorswarm.chain.scale.ScaleDecodeException;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Decodes the spec's {@code storage_values} vectors with the spec-381 metadata's storage types. */
class ModelDecodersTest {
    private static final RuntimeMetadata MD = ChainVectors.metadata();
    private static final String ALICE = Ss58Address.encode(Hex.decode(ChainVectors.ALICE), 42);

    private static String vectorHex(String typePrefix) {
        for (JsonNode v : ChainVectors.vectors("storage_values")) {
            if (v.get("type").asText().startsWith(typePrefix)) {
                return v.get("hex").asText();
            }
        }
        throw new IllegalStateException("no storage_values vector " + typePrefix);
    }

    private static Object decodeStorage(String pallet, String item, String hex) {
        return new ValueDecoder(MD.types()).decode(MD.storage(pallet, item).valueTypeId(), Hex.decode(hex));
    }

    @Test
    void axonInfoVectorDecodesToDottedIpv4() {
        AxonInfo axon = ModelDecoders.axon(decodeStorage("SubtensorModule", "Axons", vectorHex("AxonInfo")));
        assertEquals(new AxonInfo("1.2.3.4", 8091, 4, 4, 10002000), axon);
    }

    @Test
    void registrationVectorDecodesToItsRawBytesAndBlock() {
        Commitment c = ModelDecoders.commitment(ALICE,
                decodeStorage("Commitments", "CommitmentOf", vectorHex("Commitments Registration")));
        assertEquals(5_000_000, c.block());
        assertArrayEquals("hello".getBytes(StandardCharsets.UTF_8), c.data());
        assertEquals(ALICE, c.hotkey());
    }

    @Test
    void registrationWithAHashFieldYieldsTheHashBytes() {
        // Registration{deposit 0, block 7, fields [Sha256([0x11;32])]} built from the Data vector
        String hex = "0000000000000000" + "07000000" + "04" + vectorHex("Data::Sha256");
        Commitment c = ModelDecoders.commitment(ALICE, decodeStorage("Commitments", "CommitmentOf", hex));
        assertArrayEquals(Hex.decode("11".repeat(32)), c.data());
        assertEquals(7, c.block());
    }

    @Test
    void registrationWithNoFieldsYieldsEmptyData() {
        Commitment c = ModelDecoders.commitment(ALICE,
                decodeStorage("Commitments", "CommitmentOf", "0000000000000000" + "01000000" + "00"));
        assertEquals(0, c.data().length);
    }

    @Test
    void ipv6AxonsAndUnsetAxonsRenderAsText() {
        assertEquals("0.0.0.0", ModelDecoders.ipText(BigInteger.ZERO, 0));
        assertEquals("0:0:0:0:0:0:0:1", ModelDecoders.ipText(BigInteger.ONE, 6));
        assertEquals("8.8.4.4", ModelDecoders.ipText(BigInteger.valueOf(134743044L), 4));
    }

    @Test
    void legacyNeuronInfoLiteDecodesTheSpecLayout() {
        byte[] alice = Hex.decode(ChainVectors.ALICE);
        ScaleWriter w = new ScaleWriter().writeCompact(1);
        w.writeBytes(alice).writeBytes(alice).writeCompact(3).writeCompact(2).writeBool(true);
        w.writeU64(9).writeU32(10002000).writeU128(BigInteger.valueOf(16909060)).writeU16(8091).writeU8(4).writeU8(4)
                .writeU8(0).writeU8(0);
        w.writeU64(0).writeU32(0).writeU128(BigInteger.ZERO).writeU16(0).writeU8(0);
        w.writeCompact(2).writeBytes(alice).writeCompact(1000).writeBytes(alice).writeCompact(234);
        w.writeCompact(0).writeCompact(5).writeCompact(65535).writeCompact(0).writeCompact(0).writeCompact(0)
                .writeCompact(32768).writeCompact(77);
        w.writeBool(true).writeCompact(0);
        List<?> decoded = LegacyNeuronInfoLite.decodeAll(w.toByteArray());
        Neuron n = ModelDecoders.neuron(decoded.get(0));
        assertEquals(new Neuron(3, ALICE, ALICE, 1234, true, 77, 1.0, 32768 / 65535.0,
                new AxonInfo("1.2.3.4", 8091, 4, 4, 10002000)), n);
    }

    @Test
    void truncatedLegacyNeuronInfoIsADecodeError() {
        assertThrows(ScaleDecodeException.class, () -> LegacyNeuronInfoLite.decodeAll(new byte[] {4, 1, 2}));
    }
}
