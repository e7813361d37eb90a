package io.tensorswarm.orchestrator.roster;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.orchestrator.text.DisplayText;
import java.util.Iterator;
import java.util.Set;

/**
 * What a miner or validator reports about itself: its role, software version, and optionally
 * training step, loss, throughput and a short status text. Immutable and validated.
 *
 * <p>Wire form (JSON object; unknown keys are refused): {@code {"role":"miner","version":"0.1.0",
 * "step":120,"loss":3.41,"tokensPerSecond":5120.5,"status":"training round 12"}}. {@code role} and
 * {@code version} are required.
 *
 * @param role {@code "miner"} or {@code "validator"}
 * @param version software version, 1 to {@link #MAX_VERSION_CHARS} printable ASCII characters
 * @param step training or evaluation step, non-negative, or null
 * @param loss last loss, finite and non-negative, or null
 * @param tokensPerSecond throughput, finite and non-negative, or null
 * @param status free text up to {@link #MAX_STATUS_CHARS} characters without control, format (bidi overrides,
 *     zero-width), separator, private-use or unassigned characters ({@link DisplayText#unsafe}), or null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Heartbeat(String role, String version, Long step, Double loss, Double tokensPerSecond, String status) {
    /** Longest accepted status text, in characters. */
    public static final int MAX_STATUS_CHARS = 256;
    /** Longest accepted version, in characters. */
    public static final int MAX_VERSION_CHARS = 64;

    private static final Set<String> ROLES = Set.of("miner", "validator");
    private static final Set<String> KEYS = Set.of("role", "version", "step", "loss", "tokensPerSecond", "status");

    /**
     * Validates the fields.
     *
     * @throws HeartbeatException naming the first field at fault
     */
    public Heartbeat {
        if (role == null || !ROLES.contains(role)) {
            throw new HeartbeatException("heartbeat role must be \"miner\" or \"validator\"");
        }
        if (version == null || version.isEmpty() || version.length() > MAX_VERSION_CHARS
                || !version.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new HeartbeatException("heartbeat version must be 1 to " + MAX_VERSION_CHARS
                    + " printable ASCII characters without spaces");
        }
        if (step != null && step < 0) {
            throw new HeartbeatException("heartbeat step must be non-negative, got " + step);
        }
        requireFiniteNonNegative("loss", loss);
        requireFiniteNonNegative("tokensPerSecond", tokensPerSecond);
        if (status != null) {
            if (status.length() > MAX_STATUS_CHARS) {
                throw new HeartbeatException("heartbeat status is " + status.length() + " characters, more than "
                        + MAX_STATUS_CHARS);
            }
            if (DisplayText.hasUnsafe(status)) {
                throw new HeartbeatException("heartbeat status must not contain control, format (bidi, zero-width) "
                        + "or unassigned characters");
            }
        }
    }

    /**
     * Reads a heartbeat from its wire form.
     *
     * @throws HeartbeatException when the JSON is not an object, has unknown keys, wrong types or bad values
     */
    public static Heartbeat fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new HeartbeatException("heartbeat must be a JSON object");
        }
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            String key = it.next();
            if (!KEYS.contains(key)) {
                throw new HeartbeatException("heartbeat has unknown key \"" + truncate(key) + "\"");
            }
        }
        return new Heartbeat(text(node, "role"), text(node, "version"), integer(node, "step"), number(node, "loss"),
                number(node, "tokensPerSecond"), text(node, "status"));
    }

    private static String text(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            throw new HeartbeatException("heartbeat " + key + " must be a string");
        }
        return v.textValue();
    }

    private static Long integer(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new HeartbeatException("heartbeat " + key + " must be an integer");
        }
        return v.longValue();
    }

    private static Double number(JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isNumber()) {
            throw new HeartbeatException("heartbeat " + key + " must be a number");
        }
        return v.doubleValue();
    }

    private static void requireFiniteNonNegative(String key, Double value) {
        if (value != null && (!Double.isFinite(value) || value < 0)) {
            throw new HeartbeatException("heartbeat " + key + " must be finite and non-negative, got " + value);
        }
    }

    private static String truncate(String s) {
        String safe = s.codePoints().filter(c -> !Character.isISOControl(c))
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return safe.length() <= 32 ? safe : safe.substring(0, 32) + "…";
    }
}
