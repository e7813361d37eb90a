package io.tensorswarm.chain.subtensor;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.hash.StorageKey;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.StorageEntry;
import io.tensorswarm.chain.metadata.ValueDecoder;
import io.tensorswarm.chain.metadata.ValueEncoder;
import io.tensorswarm.chain.rpc.RpcTransport;
import io.tensorswarm.chain.scale.Hex;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads storage items through {@code state_getStorage}, {@code state_queryStorageAt} and {@code
 * state_getKeysPaged}, with keys and values encoded and decoded from the metadata's storage
 * entries (absent values of a {@code Default} item decode its default). Thread-safe.
 */
final class StorageReader {
    static final int PAGE = 1000;
    private static final int QUERY_BATCH = 256;

    private final RpcTransport rpc;

    StorageReader(RpcTransport rpc) {
        this.rpc = rpc;
    }

    /** Returns the key (or, with fewer parts than hashers, the prefix) of {@code pallet.item(keys)}. */
    static byte[] key(RuntimeMetadata md, String pallet, String item, Object... keys) {
        StorageEntry entry = md.storage(pallet, item);
        List<Integer> keyTypes = entry.keyTypes(md.types());
        ValueEncoder encoder = new ValueEncoder(md.types());
        List<byte[]> encoded = new ArrayList<>(keys.length);
        for (int i = 0; i < keys.length; i++) {
            encoded.add(encoder.encode(keyTypes.get(i), keys[i]));
        }
        return StorageKey.of(entry.pallet(), entry.name(), entry.hashers(), encoded);
    }

    /** Decodes a storage reply ({@code null} or hex) of {@code entry}; null when absent under {@code Optional}. */
    static Object decode(RuntimeMetadata md, StorageEntry entry, JsonNode value) {
        byte[] bytes;
        if (value == null || value.isNull()) {
            if (entry.modifier() != StorageEntry.Modifier.DEFAULT) {
                return null;
            }
            bytes = entry.defaultValue();
        } else {
            bytes = Hex.decode(value.asText());
        }
        return new ValueDecoder(md.types()).decode(entry.valueTypeId(), bytes);
    }

    /** Returns the decoded value of {@code pallet.item(keys)} at block {@code at} (null = best). */
    Object read(RuntimeMetadata md, String at, String pallet, String item, Object... keys) {
        String key = Hex.encodePrefixed(key(md, pallet, item, keys));
        JsonNode value = rpc.send("state_getStorage", at == null ? List.of(key) : List.of(key, at));
        return decode(md, md.storage(pallet, item), value);
    }

    /** Returns the raw values (hex, or null) of {@code keys} at block {@code at}, keyed by lower-case hex key. */
    Map<String, JsonNode> queryAt(List<String> keys, String at) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        for (int from = 0; from < keys.size(); from += QUERY_BATCH) {
            List<String> batch = keys.subList(from, Math.min(keys.size(), from + QUERY_BATCH));
            JsonNode sets = rpc.send("state_queryStorageAt", List.of(batch, at));
            for (JsonNode set : sets) {
                for (JsonNode change : set.path("changes")) {
                    out.put(change.get(0).asText().toLowerCase(Locale.ROOT), change.get(1));
                }
            }
        }
        return out;
    }

    /** Returns every key under {@code prefix} at block {@code at}, paging through {@code state_getKeysPaged}. */
    List<String> keys(byte[] prefix, String at) {
        String prefixHex = Hex.encodePrefixed(prefix);
        List<String> out = new ArrayList<>();
        String start = null;
        while (true) {
            JsonNode page = rpc.send("state_getKeysPaged", start == null
                    ? java.util.Arrays.asList(prefixHex, PAGE, null, at)
                    : List.of(prefixHex, PAGE, start, at));
            for (JsonNode k : page) {
                out.add(k.asText());
            }
            if (page.size() < PAGE) {
                return out;
            }
            start = out.get(out.size() - 1);
        }
    }
}
