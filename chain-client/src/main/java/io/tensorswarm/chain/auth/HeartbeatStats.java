package io.tensorswarm.chain.auth;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorswarm.common.cli.VersionProvider;
import java.util.Objects;

/**
 * Returns what a daemon reports about itself in a heartbeat to the orchestrator ({@code POST
 * /v1/heartbeat}): its role, software version and, optionally, a step count, a loss, a throughput
 * and a one-line status. Immutable. Values the orchestrator would refuse are made acceptable
 * instead of failing: a negative step and a negative or non-finite loss or throughput become
 * absent, control characters in the status become spaces and a longer status is cut to {@link
 * #MAX_STATUS_CHARS}, so a heartbeat is never refused for its content.
 *
 * <p>Wire form (docs/orchestrator.md; absent values are left out): {@code {"role":"miner",
 * "version":"0.1.0","step":50,"loss":4.21,"tokensPerSecond":10240.5,"status":"r=3 published ..."}}.
 *
 * <pre>{@code
 * HeartbeatStats stats = HeartbeatStats.of("miner", "r=3 published delta 3872 bytes (bf16)")
 *         .withNumbers(50L, 4.21, 10240.5);
 * }</pre>
 *
 * @param role {@code miner} or {@code validator}
 * @param version the software version: 1 to {@link #MAX_VERSION_CHARS} printable ASCII characters without spaces
 * @param step a non-negative step count (training steps for a miner, miners scored for a validator), or null
 * @param loss a finite non-negative loss, or null
 * @param tokensPerSecond a finite non-negative throughput, or null
 * @param status a short description of what the daemon is doing, or null
 */
public record HeartbeatStats(String role, String version, Long step, Double loss, Double tokensPerSecond, String status) {
    /** Longest status the orchestrator accepts, in characters. */
    public static final int MAX_STATUS_CHARS = 256;
    /** Longest version the orchestrator accepts, in characters. */
    public static final int MAX_VERSION_CHARS = 64;

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Validates the role and version, and makes the optional values acceptable (see the class comment).
     *
     * @throws IllegalArgumentException for a role other than {@code miner} and {@code validator}, or a bad version
     */
    public HeartbeatStats {
        Objects.requireNonNull(role, "role");
        if (!role.equals("miner") && !role.equals("validator")) {
            throw new IllegalArgumentException("role must be miner or validator, got " + role);
        }
        Objects.requireNonNull(version, "version");
        if (version.isEmpty() || version.length() > MAX_VERSION_CHARS
                || !version.chars().allMatch(c -> c > 0x20 && c < 0x7F)) {
            throw new IllegalArgumentException("version must be 1 to " + MAX_VERSION_CHARS
                    + " printable ASCII characters without spaces, got '" + version + "'");
        }
        step = step != null && step < 0 ? null : step;
        loss = acceptable(loss);
        tokensPerSecond = acceptable(tokensPerSecond);
        status = clean(status);
    }

    /** Returns the stats of a {@code role} with this build's version ({@link VersionProvider#version()}) and a status. */
    public static HeartbeatStats of(String role, String status) {
        return new HeartbeatStats(role, VersionProvider.version(), null, null, null, status);
    }

    /** Returns a copy with these step, loss and throughput (each may be null). */
    public HeartbeatStats withNumbers(Long newStep, Double newLoss, Double newTokensPerSecond) {
        return new HeartbeatStats(role, version, newStep, newLoss, newTokensPerSecond, status);
    }

    /** Returns a copy with another status. */
    public HeartbeatStats withStatus(String newStatus) {
        return new HeartbeatStats(role, version, step, loss, tokensPerSecond, newStatus);
    }

    /** Returns the JSON body of {@code POST /v1/heartbeat}: the present fields only. */
    public byte[] toJson() {
        ObjectNode node = JSON.createObjectNode();
        node.put("role", role);
        node.put("version", version);
        if (step != null) {
            node.put("step", step);
        }
        if (loss != null) {
            node.put("loss", loss);
        }
        if (tokensPerSecond != null) {
            node.put("tokensPerSecond", tokensPerSecond);
        }
        if (status != null) {
            node.put("status", status);
        }
        try {
            return JSON.writeValueAsBytes(node);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException("cannot write a heartbeat", e);
        }
    }

    private static Double acceptable(Double value) {
        return value == null || !Double.isFinite(value) || value < 0 ? null : value;
    }

    private static String clean(String status) {
        if (status == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(Math.min(status.length(), MAX_STATUS_CHARS));
        status.codePoints().forEach(c -> {
            if (out.length() < MAX_STATUS_CHARS) {
                out.appendCodePoint(Character.isISOControl(c) ? ' ' : c);
            }
        });
        if (out.length() > MAX_STATUS_CHARS) { // a surrogate pair crossed the limit
            out.setLength(MAX_STATUS_CHARS - 1);
        }
        return out.toString();
    }
}
