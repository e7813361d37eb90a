package io.tensorswarm.common.protocol;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * One entry of the append-only base history: revision {@code revision} is the base model of every
 * round from {@code round} on, until the next entry; {@code previousRound} names the entry before it
 * ({@code -1} for the first). Stored at {@code bases/<round>.json} ({@link StorageLayout#baseRecordKey})
 * and never rewritten once the round it names has started, so the base of any past round can be read
 * by anyone at any time (the mutable {@code latest} only points at the newest entry).
 *
 * <p>Wire form: {@code {"previous_round":<integer>,"revision":"<64 lowercase hex>","round":<integer>}},
 * keys sorted, no whitespace, UTF-8, at most {@link #MAX_BYTES}; the same strict reading rules as the
 * manifest.
 *
 * @param revision SHA-256 hex of the base model's {@code model.safetensors}
 * @param round the first round that trains on it, in {@code [0, }{@link RoundClock#MAX_ROUND}{@code ]}
 * @param previousRound the {@code round} of the entry before, smaller than {@code round}; {@code -1} for none
 */
public record BaseRecord(String revision, long round, long previousRound) {
    /** The largest record a reader accepts, in bytes. */
    public static final int MAX_BYTES = 1024;

    /**
     * Validates the fields.
     *
     * @throws ProtocolException when the revision is malformed or the rounds are out of order or range
     */
    public BaseRecord {
        if (!ProtocolIds.isSha256Hex(revision)) {
            throw new ProtocolException("base record: field revision is " + Quote.of(revision) + ", not 64 lowercase hex chars");
        }
        if (round < 0 || round > RoundClock.MAX_ROUND) {
            throw new ProtocolException("base record: field round is " + round + ", not in [0, " + RoundClock.MAX_ROUND + "]");
        }
        if (previousRound < -1 || previousRound >= round) {
            throw new ProtocolException("base record: field previous_round is " + previousRound + ", not in [-1, " + round + ")");
        }
    }

    /** Returns the record as a {@code latest} pointer (revision and first round). */
    public LatestPointer pointer() {
        return new LatestPointer(revision, round);
    }

    /**
     * Parses a record's bytes.
     *
     * @throws ProtocolException when they are too large, malformed or break the schema
     */
    public static BaseRecord parse(byte[] bytes) {
        if (bytes.length > MAX_BYTES) {
            throw new ProtocolException("base record is " + bytes.length + " bytes, more than " + MAX_BYTES);
        }
        try {
            StrictJson j = StrictJson.parseObject(bytes);
            j.requireKeys(Set.of("previous_round", "revision", "round"));
            return new BaseRecord(j.string("revision"), j.integer("round", 0, RoundClock.MAX_ROUND),
                    j.integer("previous_round", -1, RoundClock.MAX_ROUND));
        } catch (StrictJson.Problem p) {
            throw new ProtocolException("base record: " + p.getMessage());
        }
    }

    /** Returns the canonical JSON bytes. */
    public byte[] toJson() {
        return ("{\"previous_round\":" + previousRound + ",\"revision\":\"" + revision + "\",\"round\":" + round + "}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
