package io.tensorswarm.common.protocol;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.util.Iterator;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads small JSON objects of an exact schema: a size cap before parsing, duplicate keys refused,
 * unknown or missing keys refused, strings and integers of exact JSON types. Problems surface as
 * {@link Problem}, which each document type turns into its own exception.
 */
final class StrictJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();

    /** The largest integer every JSON implementation reads exactly (2^53 - 1). */
    static final long MAX_SAFE_INTEGER = (1L << 53) - 1;

    /** A JSON document that breaks the rules; {@code schema} is false when it is not even a JSON object. */
    static final class Problem extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final boolean schema;

        Problem(boolean schema, String message, Throwable cause) {
            super(message, cause, false, false);
            this.schema = schema;
        }
    }

    private final JsonNode root;

    private StrictJson(JsonNode root) {
        this.root = root;
    }

    /** Parses {@code bytes} (already checked against the cap) as one JSON object. */
    static StrictJson parseObject(byte[] bytes) {
        JsonNode node;
        try {
            node = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            throw new Problem(false, "not valid JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new Problem(false, "not valid JSON: " + e.getMessage(), e);
        }
        if (node == null || !node.isObject()) {
            throw new Problem(false, "not a JSON object", null);
        }
        return new StrictJson(node);
    }

    /** Checks that the object has exactly {@code keys}. */
    void requireKeys(Set<String> keys) {
        JsonNode node = root;
        Set<String> present = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String k = it.next();
            if (!keys.contains(k)) {
                throw new Problem(true, "unknown field " + Quote.of(k), null);
            }
            present.add(k);
        }
        for (String k : new TreeSet<>(keys)) {
            if (!present.contains(k)) {
                throw new Problem(true, "missing field " + k, null);
            }
        }
    }

    /** Returns the string field {@code key}. */
    String string(String key) {
        JsonNode n = field(key);
        if (!n.isTextual()) {
            throw new Problem(true, "field " + key + " must be a string", null);
        }
        return n.textValue();
    }

    /** Returns the integer field {@code key}, which must be a JSON integer in {@code [min, max]}. */
    long integer(String key, long min, long max) {
        JsonNode n = field(key);
        if (!n.isIntegralNumber() || !n.canConvertToLong() || n.longValue() < min || n.longValue() > max) {
            String shown = n.isNumber() ? n.asText() : "a " + n.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
            throw new Problem(true, "field " + key + " is " + (shown.length() > 40 ? shown.substring(0, 40) + "..." : shown)
                    + ", not an integer in [" + min + ", " + max + "]", null);
        }
        return n.longValue();
    }

    private JsonNode field(String key) {
        JsonNode n = root.get(key);
        if (n == null) {
            throw new Problem(true, "missing field " + key, null);
        }
        return n;
    }
}
