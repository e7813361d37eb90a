package io.tensorswarm.chain.crypto;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * Key and signature vectors from {@code chain-vectors.json} (a copy of
 * {@code shared/specs/chain-vectors.json}; every group names its upstream source in a
 * {@code source} field). One fixture for all key tests, in the manner of web3j {@code SampleKeys}.
 */
public final class Sr25519Vectors {
    private static final JsonNode ROOT = load();

    private Sr25519Vectors() {}

    /** Returns the vector group {@code name}. */
    public static JsonNode group(String name) {
        JsonNode node = ROOT.get(name);
        if (node == null) {
            throw new IllegalStateException("chain-vectors.json has no group " + name);
        }
        return node;
    }

    /** Returns the {@code vectors} array of group {@code name} as a list. */
    public static List<JsonNode> vectors(String name) {
        List<JsonNode> out = new ArrayList<>();
        group(name).get("vectors").forEach(out::add);
        return out;
    }

    /** Decodes hex with or without a {@code 0x} prefix. */
    public static byte[] hex(String text) {
        return HexFormat.of().parseHex(text.startsWith("0x") ? text.substring(2) : text);
    }

    /** Returns lowercase hex without prefix. */
    public static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }

    /** Returns the text of the first field whose name starts with {@code prefix}, if any. */
    public static java.util.Optional<String> fieldStartingWith(JsonNode node, String prefix) {
        var it = node.fieldNames();
        while (it.hasNext()) {
            String name = it.next();
            if (name.startsWith(prefix)) {
                return java.util.Optional.of(node.get(name).asText());
            }
        }
        return java.util.Optional.empty();
    }

    private static JsonNode load() {
        try (InputStream in = Sr25519Vectors.class.getResourceAsStream("/chain-vectors.json")) {
            if (in == null) {
                throw new IllegalStateException("chain-vectors.json missing from test resources");
            }
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
