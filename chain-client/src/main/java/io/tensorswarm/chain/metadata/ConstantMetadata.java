package io.tensorswarm.chain.metadata;

import java.util.List;

/** A pallet constant: name, type id, SCALE-encoded value and docs. */
public record ConstantMetadata(String name, int typeId, byte[] value, List<String> docs) {
    /** Copies the value and docs. */
    public ConstantMetadata {
        value = value.clone();
        docs = List.copyOf(docs);
    }

    /** Returns a copy of the encoded value. */
    @Override
    public byte[] value() {
        return value.clone();
    }
}
