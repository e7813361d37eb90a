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
 * @param round the first round that trains on it, in {@code [0, 2^32 - 1]} ({@link RoundClock#MAX_ROUND})
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
            throw new ProtocolException("latest pointer: field revision is " + Quote.of(revision) + ", not 64 lowercase hex chars");
        }
        if (round < 0 || round > RoundClock.MAX_ROUND) {
            throw new ProtocolException("latest pointer: field round is " + round + ", not in [0, " + RoundClock.MAX_ROUND + "]");
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
            return new LatestPointer(j.string("revision"), j.integer("round", 0, RoundClock.MAX_ROUND));
        } catch (StrictJson.Problem p) {
            throw new ProtocolException("latest pointer: " + p.getMessage());
        }
    }

    /** Returns the canonical JSON bytes. */
    public byte[] toJson() {
        return ("{\"revision\":\"" + revision + "\",\"round\":" + round + "}").getBytes(StandardCharsets.UTF_8);
    }
}
