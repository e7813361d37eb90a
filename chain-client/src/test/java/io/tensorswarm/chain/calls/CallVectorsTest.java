package io.tensorswarm.chain.calls;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.ValueDecoder;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.scale.Hex;
import java.math.BigInteger;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Calls, commit hash, storage values and runtime API requests against the {@code calls}, {@code
 * storage_values} and {@code runtime_api_calls} vectors (chain-spec §4, §5), with indices and
 * types from the real spec-381 metadata.
 */
class CallVectorsTest {
    private static final byte[] ALICE = Hex.decode(ChainVectors.ALICE);
    private static final int[] SALT = {1, 2, 3, 4, 5, 6, 7, 8};
    private final RuntimeMetadata md = ChainVectors.metadata();
    private final List<JsonNode> calls = ChainVectors.vectors("calls");

    private String hex(int vector) {
        return calls.get(vector).get("hex").asText();
    }

    @Test
    void setWeightsMatchesVector() {
        EncodedCall call = SubtensorCalls.setWeights(md, 1, new int[] {0, 1, 2}, new int[] {65535, 32768, 1}, 10002000L);
        assertEquals(hex(0), Hex.encode(call.toBytes()));
    }

    @Test
    void commitHashAndCommitWeightsMatchVector() {
        byte[] hash = WeightCommitHash.compute(ALICE, 1, new int[] {0, 1}, new int[] {65535, 32767}, SALT, 10002000L);
        assertEquals(calls.get(1).get("commit_hash").asText(), Hex.encode(hash));
        assertEquals(hex(1), Hex.encode(SubtensorCalls.commitWeights(md, 1, hash).toBytes()));
    }

    @Test
    void revealWeightsMatchesVector() {
        EncodedCall call = SubtensorCalls.revealWeights(md, 1, new int[] {0, 1}, new int[] {65535, 32767}, SALT, 10002000L);
        assertEquals(hex(2), Hex.encode(call.toBytes()));
    }

    @Test
    void burnedRegisterMatchesVector() {
        assertEquals(hex(3), Hex.encode(SubtensorCalls.burnedRegister(md, 1, ALICE).toBytes()));
    }

    @Test
    void serveAxonMatchesVector() throws Exception {
        EncodedCall call = SubtensorCalls.serveAxon(md, 1, 10002000L, InetAddress.getByName("1.2.3.4"), 8091);
        assertEquals(hex(4), Hex.encode(call.toBytes()));
    }

    @Test
    void setCommitmentRaw128MatchesVector() {
        String text = "a".repeat(32) + "b".repeat(32) + "c".repeat(64);
        EncodedCall call = SubtensorCalls.setRawCommitment(md, 1, text.getBytes());
        assertEquals(hex(5), Hex.encode(call.toBytes()));
        assertThrows(IllegalArgumentException.class, () -> SubtensorCalls.setRawCommitment(md, 1, new byte[129]));
    }

    @Test
    void genericEncoderTakesNamedArgumentsAndChecksThem() {
        EncodedCall byName = CallEncoder.encode(md, "SubtensorModule", "burned_register",
                Map.of("netuid", 1, "hotkey", ALICE));
        assertEquals(hex(3), Hex.encode(byName.toBytes()));
        assertThrows(IllegalArgumentException.class,
                () -> CallEncoder.encode(md, "SubtensorModule", "burned_register", 1));
        assertThrows(IllegalArgumentException.class,
                () -> CallEncoder.encode(md, "SubtensorModule", "burned_register", 70000, ALICE));
        assertThrows(IllegalArgumentException.class,
                () -> CallEncoder.encode(md, "SubtensorModule", "set_weights", 1, new int[] {0}, new int[] {65536}, 1L));
    }

    @Test
    @SuppressWarnings("unchecked")
    void storageValueVectorsDecodeWithMetadataTypes() {
        List<JsonNode> values = ChainVectors.vectors("storage_values");
        ValueDecoder decoder = new ValueDecoder(md.types());
        int axonType = md.storage("SubtensorModule", "Axons").valueTypeId();
        Map<String, Object> axon = (Map<String, Object>) decoder.decode(axonType, Hex.decode(values.get(0).get("hex").asText()));
        assertEquals(BigInteger.valueOf(5000000), axon.get("block"));
        assertEquals(10002000L, axon.get("version"));
        assertEquals(BigInteger.valueOf(16909060), axon.get("ip"));
        assertEquals(8091, axon.get("port"));
        assertEquals(4, axon.get("ip_type"));

        int registrationType = md.storage("Commitments", "CommitmentOf").valueTypeId();
        Map<String, Object> reg = (Map<String, Object>) decoder.decode(registrationType,
                Hex.decode(values.get(1).get("hex").asText()));
        assertEquals(5000000L, reg.get("block"));
        Object info = reg.get("info");
        List<Object> fields = (List<Object>) ((Map<String, Object>) info).get("fields");
        VariantValue raw = (VariantValue) fields.get(0);
        assertEquals("Raw5", raw.name());
        assertArrayEquals("hello".getBytes(), (byte[]) raw.value());

        // The Data enum is the element type of the fields vector: find it via the encoder round trip.
        for (int i = 2; i < values.size(); i++) {
            byte[] dataBytes = Hex.decode(values.get(i).get("hex").asText());
            byte[] wrapped = Hex.decode("0000000000000000404b4c0004" + Hex.encode(dataBytes));
            Map<String, Object> decoded = (Map<String, Object>) decoder.decode(registrationType, wrapped);
            List<Object> f = (List<Object>) ((Map<String, Object>) decoded.get("info")).get("fields");
            VariantValue data = (VariantValue) f.get(0);
            assertEquals(dataBytes[0] & 0xff, data.index(), values.get(i).get("type").asText());
            byte[] reencoded = new io.tensorswarm.chain.metadata.ValueEncoder(md.types()).encode(registrationType, decoded);
            assertArrayEquals(wrapped, reencoded, values.get(i).get("type").asText());
        }
    }

    @Test
    void runtimeApiRequestsMatchVectors() {
        List<JsonNode> v = ChainVectors.vectors("runtime_api_calls");
        RuntimeApiCall lite = RuntimeApiCall.of(md, "NeuronInfoRuntimeApi", "get_neurons_lite", 1);
        assertEquals(v.get(0).get("method").asText(), lite.method());
        assertEquals(v.get(0).get("params_hex").asText(), Hex.encodePrefixed(lite.params()));
        RuntimeApiCall graph = RuntimeApiCall.of(md, "SubnetInfoRuntimeApi", "get_metagraph", 1);
        assertEquals(v.get(1).get("method").asText(), graph.method());
        assertEquals(v.get(1).get("params_hex").asText(), Hex.encodePrefixed(graph.params()));
        RuntimeApiCall nonce = RuntimeApiCall.of(md, "AccountNonceApi", "account_nonce", ALICE);
        assertEquals(v.get(2).get("method").asText(), nonce.method());
        assertEquals(v.get(2).get("params_hex").asText(), Hex.encodePrefixed(nonce.params()));
        assertEquals(7L, nonce.decodeResult(md, Hex.decode("07000000")));
        RuntimeApiCall meta = RuntimeApiCall.of(md, "Metadata", "metadata_at_version", 15);
        assertEquals(v.get(3).get("params_hex").asText(), Hex.encodePrefixed(meta.params()));
    }
}
