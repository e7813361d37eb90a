package io.tensorswarm.common.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * The {@code latest} object: which base model revision is current, and from which round on.
 *
 * <p>Wire form: {@code {"revision":"<64 lowercase hex>","round":<integer>}}, keys sorted, no
 * whitespace, UTF-8; readers refuse more than {@link #MAX_BYTES}, unknown or missing keys and wrong
 * types.
 *
 * @param revision SHA-256 hex of the current base model's {@code model.safetensors}
 * @param round the first round that trains on it, in {@code [0, 2^53 - 1]}
 */
public record LatestPointer(String revision, long round) {
    /** The largest pointer a reader accepts, in bytes. */
    public static final int MAX_BYTES = 1024;

    /**
     * Validates the fields.
     *
     * @throws ProtocolException when the revision is not 64 lowercase hex chars or the round is out of range
     */
    public LatestPointer {
        if (!ProtocolIds.isSha256Hex(revision)) {
            throw new ProtocolException("latest pointer: revision " + Quote.of(revision) + " is not 64 lowercase hex chars");
        }
        if (round < 0 || round > StrictJson.MAX_SAFE_INTEGER) {
            throw new ProtocolException("latest pointer: round " + round + " is out of range");
        }
    }

    /**
     * Parses the pointer's bytes.
     *
     * @throws ProtocolException when they are too large, malformed or break the schema
     */
    public static LatestPointer parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ProtocolException("latest pointer is " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        try {
            StrictJson j = StrictJson.parseObject(bytes);
            j.requireKeys(Set.of("revision", "round"));
            return new LatestPointer(j.string("revision"), j.integer("round", 0, StrictJson.MAX_SAFE_INTEGER));
        } catch (StrictJson.Problem p) {
            throw new ProtocolException("latest pointer: " + p.getMessage());
        }
    }

    /** Returns the canonical JSON bytes. */
    public byte[] toJson() {
        return ("{\"revision\":\"" + revision + "\",\"round\":" + round + "}").getBytes(StandardCharsets.UTF_8);
    }
}
