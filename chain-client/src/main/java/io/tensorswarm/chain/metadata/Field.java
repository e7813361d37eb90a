package io.tensorswarm.chain.metadata;

import java.util.List;

/**
 * One field of a composite type or enum variant: its name (null for tuple-like fields), type id,
 * the Rust type name as written in source (may be null) and docs.
 */
public record Field(String name, int typeId, String typeName, List<String> docs) {
    /** Copies the docs list. */
    public Field {
        docs = List.copyOf(docs);
    }
}
