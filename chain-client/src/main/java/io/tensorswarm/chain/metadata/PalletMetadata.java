package io.tensorswarm.chain.metadata;

import java.util.List;
import java.util.Optional;

/**
 * One pallet: name, index (the first byte of its calls and events), storage, calls, events and
 * errors (resolved from their variant types, whose ids are kept; null when absent), constants
 * and docs.
 *
 * <pre>{@code
 * CallInfo setWeights = metadata.pallet("SubtensorModule").call("set_weights");
 * }</pre>
 */
public record PalletMetadata(
        String name,
        int index,
        String storagePrefix,
        List<StorageEntry> storage,
        Integer callTypeId,
        List<CallInfo> calls,
        Integer eventTypeId,
        List<Variant> events,
        Integer errorTypeId,
        List<ErrorInfo> errors,
        List<ConstantMetadata> constants,
        List<String> docs) {

    /** Copies the lists. */
    public PalletMetadata {
        storage = List.copyOf(storage);
        calls = List.copyOf(calls);
        events = List.copyOf(events);
        errors = List.copyOf(errors);
        constants = List.copyOf(constants);
        docs = List.copyOf(docs);
    }

    /**
     * Returns the call named {@code call}.
     *
     * @throws MetadataException if the pallet has no such call
     */
    public CallInfo call(String call) {
        return calls.stream().filter(c -> c.name().equals(call)).findFirst()
                .orElseThrow(() -> new MetadataException("pallet " + name + " has no call " + call));
    }

    /**
     * Returns the storage entry named {@code item}.
     *
     * @throws MetadataException if the pallet has no such item
     */
    public StorageEntry storage(String item) {
        return findStorage(item)
                .orElseThrow(() -> new MetadataException("pallet " + name + " has no storage item " + item));
    }

    /** Returns the storage entry named {@code item}, if any. */
    public Optional<StorageEntry> findStorage(String item) {
        return storage.stream().filter(e -> e.name().equals(item)).findFirst();
    }

    /** Returns the error with variant index {@code errorIndex}, if any. */
    public Optional<ErrorInfo> findError(int errorIndex) {
        return errors.stream().filter(e -> e.errorIndex() == errorIndex).findFirst();
    }

    /** Returns the error named {@code error}, if any. */
    public Optional<ErrorInfo> findError(String error) {
        return errors.stream().filter(e -> e.name().equals(error)).findFirst();
    }

    /** Returns the event variant named {@code event}, if any. */
    public Optional<Variant> findEvent(String event) {
        return events.stream().filter(e -> e.name().equals(event)).findFirst();
    }

    /** Returns the constant named {@code constant}, if any. */
    public Optional<ConstantMetadata> findConstant(String constant) {
        return constants.stream().filter(c -> c.name().equals(constant)).findFirst();
    }
}
