package io.tensorswarm.protocol;

import io.tensorswarm.common.protocol.BaseRecord;
import io.tensorswarm.common.protocol.LatestPointer;
import io.tensorswarm.common.protocol.ProtocolException;
import io.tensorswarm.common.protocol.StorageLayout;
import io.tensorswarm.storage.GetRequest;
import io.tensorswarm.storage.ObjectStore;
import io.tensorswarm.storage.PutRequest;
import io.tensorswarm.storage.StorageException;
import java.util.Optional;

/**
 * The one rule for which base model a round trains on: the append-only base history in the
 * averager's store ({@link BaseRecord} entries at {@code bases/<round>.json}, newest named by {@code
 * latest}). The base of round {@code r} is the newest entry whose {@code round} is at most {@code r},
 * found by walking back from {@code latest} through {@code previous_round}. Entries are written only
 * for rounds that have not started ({@link io.tensorswarm.common.protocol.RoundTiming#firstRoundForBaseAt}),
 * so every party that asks for a started round gets the same answer, whenever it asks.
 *
 * <p>A {@code latest} without an entry (a store seeded before the history existed) is treated as the
 * first entry.
 *
 * <pre>{@code
 * BaseHistory history = new BaseHistory(baseStore);
 * Optional<LatestPointer> base = history.forRound(12);
 * history.append(new LatestPointer(revision, 14)); // averager: entry, then latest
 * }</pre>
 */
public final class BaseHistory {
    /** How many entries a lookup walks back at most; older rounds are not served. */
    public static final int MAX_WALK = 1024;

    private final ObjectStore store;

    public BaseHistory(ObjectStore store) {
        this.store = store;
    }

    /**
     * Returns the newest entry (what {@code latest} names), or empty when the store has no base yet.
     *
     * @throws ProtocolException when {@code latest} or its entry is malformed or they disagree
     * @throws StorageException when the store cannot be read
     */
    public Optional<BaseRecord> head() {
        Optional<byte[]> latest = read(StorageLayout.LATEST, LatestPointer.MAX_BYTES);
        if (latest.isEmpty()) {
            return Optional.empty();
        }
        LatestPointer pointer;
        try {
            pointer = LatestPointer.parse(latest.get());
        } catch (ProtocolException e) {
            throw new ProtocolException(StorageLayout.LATEST + ": " + strip(e.getMessage(), "latest pointer: "), e);
        }
        Optional<BaseRecord> record = entry(pointer.round());
        if (record.isEmpty()) {
            return Optional.of(new BaseRecord(pointer.revision(), pointer.round(), -1));
        }
        if (!record.get().revision().equals(pointer.revision())) {
            throw new ProtocolException("latest names revision " + pointer.revision() + " for round " + pointer.round()
                    + " but " + StorageLayout.baseRecordKey(pointer.round()) + " names " + record.get().revision());
        }
        return record;
    }

    /**
     * Returns the base of {@code round}, or empty when no base starts at or before it.
     *
     * @throws ProtocolException when the history is malformed or broken (a missing entry), or the
     *     round is more than {@link #MAX_WALK} entries old
     * @throws StorageException when the store cannot be read
     */
    public Optional<LatestPointer> forRound(long round) {
        Optional<BaseRecord> cur = head();
        for (int steps = 0; cur.isPresent(); steps++) {
            BaseRecord r = cur.get();
            if (r.round() <= round) {
                return Optional.of(r.pointer());
            }
            if (r.previousRound() < 0) {
                return Optional.empty();
            }
            if (steps >= MAX_WALK) {
                throw new ProtocolException("round " + round + " is more than " + MAX_WALK + " bases old");
            }
            long previous = r.previousRound();
            BaseRecord before = entry(previous).orElseThrow(() -> new ProtocolException("base history is broken: "
                    + StorageLayout.baseRecordKey(previous) + " (named by round " + r.round() + ") is missing"));
            cur = Optional.of(before);
        }
        return Optional.empty();
    }

    /**
     * Appends {@code next} to the history (its entry, then {@code latest}); the caller guarantees its
     * round has not started. Re-appending the head itself is a no-op.
     *
     * @return the entry written
     * @throws ProtocolException when {@code next.round()} is not after the current head's round
     * @throws StorageException when a write fails ({@code latest} is then unchanged or names a complete entry)
     */
    public BaseRecord append(LatestPointer next) {
        Optional<BaseRecord> head = head();
        if (head.isPresent() && head.get().round() == next.round() && head.get().revision().equals(next.revision())) {
            return head.get();
        }
        if (head.isPresent() && head.get().round() >= next.round()) {
            throw new ProtocolException("cannot add a base for round " + next.round() + ": the history already has round "
                    + head.get().round() + " (entries are never rewritten)");
        }
        if (head.isPresent() && entry(head.get().round()).isEmpty()) {
            // A latest seeded before the history existed: give it its entry so the walk back can reach it.
            store.put(PutRequest.builder().setKey(StorageLayout.baseRecordKey(head.get().round()))
                    .setBytes(head.get().toJson()).optContentType("application/json").build());
        }
        BaseRecord record = new BaseRecord(next.revision(), next.round(), head.map(BaseRecord::round).orElse(-1L));
        store.put(PutRequest.builder().setKey(StorageLayout.baseRecordKey(record.round())).setBytes(record.toJson())
                .optContentType("application/json").build());
        store.put(PutRequest.builder().setKey(StorageLayout.LATEST).setBytes(next.toJson())
                .optContentType("application/json").build());
        return record;
    }

    /**
     * Returns the entry stored under round {@code round}'s key, checked: a record whose fields are out
     * of range, or whose {@code round} is not the one its key names, is a one-line {@link
     * ProtocolException} that names the object and the field.
     */
    private Optional<BaseRecord> entry(long round) {
        String key = StorageLayout.baseRecordKey(round);
        Optional<byte[]> bytes = read(key, BaseRecord.MAX_BYTES);
        if (bytes.isEmpty()) {
            return Optional.empty();
        }
        BaseRecord record;
        try {
            record = BaseRecord.parse(bytes.get());
        } catch (ProtocolException e) {
            throw new ProtocolException(key + ": " + strip(e.getMessage(), "base record: "), e);
        }
        if (record.round() != round) {
            throw new ProtocolException(key + ": field round is " + record.round() + ", not the object's round " + round);
        }
        return Optional.of(record);
    }

    private static String strip(String message, String prefix) {
        String m = String.valueOf(message);
        return m.startsWith(prefix) ? m.substring(prefix.length()) : m;
    }

    private Optional<byte[]> read(String key, int maxBytes) {
        try {
            return Optional.of(store.getBytes(GetRequest.of(key, maxBytes)));
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.NOT_FOUND) {
                return Optional.empty();
            }
            throw e;
        }
    }
}
