package io.tensorswarm.chain.hash;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.StorageEntry;
import io.tensorswarm.chain.scale.Hex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hashers and storage keys per chain-spec §2.2-2.3; vectors {@code hashing} (polkadot-js
 * util-crypto specs, bittensor tests) and {@code storage_keys}. Storage-key hashers are taken
 * from the real spec-381 metadata, so the test also proves the metadata's hasher lists.
 */
class HashingTest {
    private static final Map<String, Function<byte[], byte[]>> FUNCTIONS = Map.of(
            "xxhash64(seed0)", Hashing::twox64,
            "twox128", Hashing::twox128,
            "twox256", Hashing::twox256,
            "blake2b-128", Hashing::blake2b128,
            "blake2b-256", Hashing::blake2b256,
            "blake2b-512", Hashing::blake2b512);

    static Stream<JsonNode> hashing() {
        return ChainVectors.vectors("hashing").stream();
    }

    @ParameterizedTest
    @MethodSource("hashing")
    void hashesMatchSpecVectors(JsonNode v) {
        Function<byte[], byte[]> fn = FUNCTIONS.get(v.get("fn").asText());
        byte[] input = v.get("input_utf8").asText().getBytes(StandardCharsets.UTF_8);
        assertEquals(v.get("hex").asText(), Hex.encode(fn.apply(input)));
    }

    @Test
    void xxHash64CoversLongInputsAndSeeds() {
        // Reference values of XXH64 from the xxHash project (empty input, seed 0 and 1).
        assertEquals(0xEF46DB3751D8E999L, XxHash64.hash(new byte[0], 0));
        assertEquals(0xD5AFBA1336A3BE4BL, XxHash64.hash(new byte[0], 1));
        byte[] longInput = new byte[100];
        for (int i = 0; i < longInput.length; i++) {
            longInput[i] = (byte) i;
        }
        // Hashing in one go and the stripe loop agree with twox64's little-endian form.
        long h = XxHash64.hash(longInput, 0);
        byte[] le = Hashing.twox64(longInput);
        for (int b = 0; b < 8; b++) {
            assertEquals((byte) (h >>> (8 * b)), le[b]);
        }
    }

    /** The keys of each {@code storage_keys} vector, in order: pallet, item, encoded key parts. */
    private static final List<Object[]> KEYS = List.of(
            new Object[] {"SubtensorModule", "SubnetMovingPrice", List.of("0200")},
            new Object[] {"SubtensorModule", "NetworksAdded", List.of("0100")},
            new Object[] {"SubtensorModule", "LastUpdate", List.of("0100")},
            new Object[] {"System", "Account", List.of(ChainVectors.ALICE)},
            new Object[] {"SubtensorModule", "Uids", List.of("0100", ChainVectors.ALICE)},
            new Object[] {"SubtensorModule", "Keys", List.of("0100", "0000")},
            new Object[] {"SubtensorModule", "Keys", List.of("0100")},
            new Object[] {"SubtensorModule", "TotalHotkeyAlpha", List.of(ChainVectors.ALICE, "0100")},
            new Object[] {"SubtensorModule", "Axons", List.of("0100", ChainVectors.ALICE)},
            new Object[] {"SubtensorModule", "Tempo", List.of("0100")},
            new Object[] {"SubtensorModule", "RevealPeriodEpochs", List.of("0100")},
            new Object[] {"Commitments", "CommitmentOf", List.of("0100", ChainVectors.ALICE)});

    @Test
    @SuppressWarnings("unchecked")
    void storageKeysMatchSpecVectorsWithHashersFromMetadata() {
        RuntimeMetadata md = ChainVectors.metadata();
        List<JsonNode> vectors = ChainVectors.vectors("storage_keys");
        assertEquals(KEYS.size(), vectors.size());
        for (int i = 0; i < vectors.size(); i++) {
            Object[] k = KEYS.get(i);
            StorageEntry entry = md.storage((String) k[0], (String) k[1]);
            List<byte[]> parts = new ArrayList<>();
            ((List<String>) k[2]).forEach(hex -> parts.add(Hex.decode(hex)));
            byte[] key = StorageKey.of(entry.pallet(), entry.name(), entry.hashers(), parts);
            assertEquals(vectors.get(i).get("hex").asText(), Hex.encode(key), vectors.get(i).get("desc").asText());
        }
    }

    @Test
    void concatHashersKeepTheKeyAfterTheHash() {
        byte[] key = Hex.decode("0100");
        assertEquals("0100", Hex.encode(StorageHasher.IDENTITY.hash(key)));
        byte[] twox = StorageHasher.TWOX_64_CONCAT.hash(key);
        assertEquals(10, twox.length);
        assertEquals("0100", Hex.encode(java.util.Arrays.copyOfRange(twox, 8, 10)));
        assertEquals(18, StorageHasher.BLAKE2_128_CONCAT.hash(key).length);
    }

    @Test
    void rejectsMoreKeyPartsThanHashers() {
        assertThrows(IllegalArgumentException.class, () -> StorageKey.of("A", "B",
                List.of(StorageHasher.IDENTITY), List.of(new byte[1], new byte[1])));
        assertThrows(IllegalArgumentException.class, () -> StorageHasher.fromIndex(7));
    }
}
