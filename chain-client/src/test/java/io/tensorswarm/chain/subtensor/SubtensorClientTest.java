package io.tensorswarm.chain.subtensor;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.extrinsic.FeeInfo;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.hash.StorageKey;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.ValueEncoder;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.model.Commitment;
import io.tensorswarm.chain.rpc.RpcSettings;
import io.tensorswarm.chain.scale.Hex;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.math.BigInteger;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiFunction;
import okhttp3.WebSocket;
import org.junit.jupiter.api.Test;

/** Scripted RPC conversations against a MockWebServer node serving the spec-381 metadata. */
class SubtensorClientTest {
    private static final RuntimeMetadata MD = ChainVectors.metadata();
    private static final String GENESIS = "0x" + "45".repeat(32);
    private static final String BLOCK_HASH = "0x" + "ab".repeat(32);
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");

    private static String metadataReply() {
        byte[] blob = ChainVectors.metadataBytes();
        return "\"" + Hex.encodePrefixed(new ScaleWriter().writeU8(1).writeByteVec(blob).toByteArray()) + "\"";
    }

    /** Answers the calls every client makes at connect; null for anything else. */
    private static String common(JsonNode req) {
        return switch (req.get("method").asText()) {
            case "state_getRuntimeVersion" -> "{\"specName\":\"node-subtensor\",\"specVersion\":381,"
                    + "\"transactionVersion\":1}";
            case "chain_getBlockHash" -> req.get("params").size() > 0 && req.get("params").get(0).asLong() == 0
                    ? "\"" + GENESIS + "\"" : "\"" + BLOCK_HASH + "\"";
            case "state_call" -> req.get("params").get(0).asText().equals("Metadata_metadata_at_version")
                    ? metadataReply() : null;
            default -> null;
        };
    }

    private static SubtensorClient client(RespondingNode node) {
        SubtensorSettings s = SubtensorSettings.of(node.url());
        return SubtensorClient.connect(new SubtensorSettings(RpcSettings.of(node.url())
                .withCallTimeout(Duration.ofSeconds(10)), s.waitFor(), 64, Duration.ofSeconds(10)));
    }

    @Test
    void connectReadsVersionGenesisAndV16MetadataThenReadsACommitmentByItsExactKey() throws Exception {
        String registration = "\"0x0000000000000000404b4c00040668656c6c6f\""; // storage_values vector
        byte[] bob = BOB.publicKey().toBytes();
        String expectedKey = Hex.encodePrefixed(StorageKey.of("Commitments", "CommitmentOf",
                MD.storage("Commitments", "CommitmentOf").hashers(), List.of(new byte[] {3, 0}, bob)));
        try (RespondingNode node = new RespondingNode((req, ws) -> {
            String r = common(req);
            if (r != null) {
                return r;
            }
            assertEquals("state_getStorage", req.get("method").asText());
            return req.get("params").get(0).asText().equals(expectedKey) ? registration : "null";
        }); SubtensorClient chain = client(node)) {
            assertEquals(381, chain.specVersion());
            assertEquals(16, chain.metadata().version());
            assertArrayEquals(Hex.decode(GENESIS), chain.genesisHash());
            Optional<Commitment> c = chain.commitment(3, BOB.ss58Address());
            assertArrayEquals("hello".getBytes(), c.orElseThrow().data());
            assertEquals(5_000_000, c.get().block());
            assertTrue(chain.commitment(4, BOB.ss58Address()).isEmpty());
            assertEquals(List.of("state_getRuntimeVersion", "chain_getBlockHash", "state_call", "state_getStorage",
                    "state_getStorage"), node.methods());
            assertEquals("[\"Metadata_metadata_at_version\",\"0x10000000\"]", node.params("state_call").toString());
        }
    }

    @Test
    void failedSetWeightsIsReadFromTheBlockEventsAndNamedByItsError() throws Exception {
        String[] submitted = new String[1];
        BiFunction<JsonNode, WebSocket, String> script = (req, ws) -> {
            String r = common(req);
            if (r != null) {
                return r;
            }
            JsonNode p = req.get("params");
            return switch (req.get("method").asText()) {
                case "system_accountNextIndex" -> "7";
                case "chain_getFinalizedHead" -> "\"" + BLOCK_HASH + "\"";
                case "chain_getHeader" -> "{\"number\":\"0x3e8\"}";
                case "author_submitAndWatchExtrinsic" -> {
                    submitted[0] = p.get(0).asText();
                    RespondingNode.afterResponse(() -> {
                        ws.send(update("\"ready\""));
                        ws.send(update("{\"inBlock\":\"" + BLOCK_HASH + "\"}"));
                    });
                    yield "\"watch-1\"";
                }
                case "author_unwatchExtrinsic" -> "true";
                case "chain_getBlock" -> "{\"block\":{\"header\":{\"number\":\"0x3e9\"},\"extrinsics\":[\"0x0400\",\""
                        + submitted[0] + "\"]}}";
                case "state_getStorage" -> "\"" + Hex.encodePrefixed(failedEvents(1)) + "\"";
                default -> throw new AssertionError("unexpected " + req);
            };
        };
        try (RespondingNode node = new RespondingNode(script); SubtensorClient chain = client(node)) {
            DispatchException e = assertThrows(DispatchException.class,
                    () -> chain.setWeights(3, BOB, new int[] {0, 1}, new int[] {65535, 100}, 0));
            assertEquals("SubtensorModule", e.pallet());
            assertEquals("SettingWeightsTooFast", e.errorName());
            assertEquals("[\"" + BOB.ss58Address() + "\"]", node.params("system_accountNextIndex").toString());
            assertEquals("[\"" + Hex.encodePrefixed(StorageKey.prefix("System", "Events")) + "\",\"" + BLOCK_HASH
                    + "\"]", node.params("state_getStorage").toString());
            byte[] xt = Hex.decode(submitted[0]);
            assertEquals((byte) 0x84, xt[2]); // after the 2-byte compact length: signed v4
            // era mortal(64, 1000): (6 - 1) | (1000 % 64) << 4 = 0x0285 LE, then Compact(7) = 0x1c
            assertEquals("8502" + "1c", Hex.encode(java.util.Arrays.copyOfRange(xt, 2 + 1 + 33 + 65, 2 + 1 + 33 + 65 + 3)));
        }
    }

    @Test
    void feeQueryUsesTheRuntimeApiAndASpecVersionChangeReloadsTheMetadata() throws Exception {
        int[] versionCalls = {0};
        byte[] fee = new ValueEncoder(MD.types()).encode(
                MD.runtimeApi("TransactionPaymentApi", "query_info").outputTypeId(),
                Map.of("weight", Map.of("ref_time", 1000, "proof_size", 5), "class", "Normal", "partial_fee", 123));
        BiFunction<JsonNode, WebSocket, String> script = (req, ws) -> {
            String method = req.get("method").asText();
            if (method.equals("state_getRuntimeVersion")) {
                versionCalls[0]++;
                return "{\"specVersion\":" + (versionCalls[0] == 1 ? 381 : 382) + ",\"transactionVersion\":1}";
            }
            String r = common(req);
            if (r != null) {
                return r;
            }
            return switch (method) {
                case "system_accountNextIndex" -> "0";
                case "chain_getFinalizedHead" -> "\"" + BLOCK_HASH + "\"";
                case "chain_getHeader" -> "{\"number\":\"0x10\"}";
                case "state_call" -> "\"" + Hex.encodePrefixed(fee) + "\"";
                default -> throw new AssertionError("unexpected " + req);
            };
        };
        try (RespondingNode node = new RespondingNode(script); SubtensorClient chain = client(node)) {
            FeeInfo info = chain.estimateFee(
                    io.tensorswarm.chain.calls.SubtensorCalls.commitWeights(MD, 3, new byte[32]), BOB);
            assertEquals(new FeeInfo(BigInteger.valueOf(1000), BigInteger.valueOf(5), "Normal", BigInteger.valueOf(123)),
                    info);
            assertEquals(382, chain.specVersion());
            long metadataFetches = node.requests.stream().filter(q -> q.get("method").asText().equals("state_call")
                    && q.get("params").get(0).asText().equals("Metadata_metadata_at_version")).count();
            assertEquals(2, metadataFetches);
            JsonNode query = node.requests.stream().filter(q -> q.get("method").asText().equals("state_call")
                    && q.get("params").get(0).asText().equals("TransactionPaymentApi_query_info")).findFirst().orElseThrow();
            byte[] params = Hex.decode(query.get("params").get(1).asText());
            int len = params.length - 4;
            assertEquals(len, (params[len] & 0xff) | (params[len + 1] & 0xff) << 8); // trailing u32 LE length
        }
    }

    private static String update(String status) {
        return "{\"jsonrpc\":\"2.0\",\"method\":\"author_extrinsicUpdate\",\"params\":{\"subscription\":\"watch-1\","
                + "\"result\":" + status + "}}";
    }

    /** Encodes System.Events with ExtrinsicFailed(SubtensorModule.SettingWeightsTooFast) for extrinsic {@code index}. */
    private static byte[] failedEvents(int index) {
        int pallet = MD.pallet("SubtensorModule").index();
        int error = MD.pallet("SubtensorModule").findError("SettingWeightsTooFast").orElseThrow().errorIndex();
        Map<String, Object> info = Map.of("weight", Map.of("ref_time", BigInteger.ONE, "proof_size", BigInteger.ZERO),
                "class", VariantValue.of("Normal"), "pays_fee", VariantValue.of("No"));
        Object failed = VariantValue.of("System", VariantValue.of("ExtrinsicFailed", Map.of(
                "dispatch_error", VariantValue.of("Module", Map.of("index", pallet, "error", new byte[] {(byte) error, 0, 0, 0})),
                "dispatch_info", info)));
        Object success = VariantValue.of("System", VariantValue.of("ExtrinsicSuccess", Map.of("dispatch_info", info)));
        List<Object> records = List.of(
                Map.of("phase", VariantValue.of("ApplyExtrinsic", 0L), "event", success, "topics", List.of()),
                Map.of("phase", VariantValue.of("ApplyExtrinsic", (long) index), "event", failed, "topics", List.of()));
        return new ValueEncoder(MD.types()).encode(MD.storage("System", "Events").valueTypeId(), records);
    }

}
