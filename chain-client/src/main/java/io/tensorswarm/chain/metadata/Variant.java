package io.tensorswarm.chain.metadata;

import java.util.List;

/** One variant of an enum type: name, fields, the declared index (the encoded byte) and docs. */
public record Variant(String name, List<Field> fields, int index, List<String> docs) {
    /** Copies the lists. */
    public Variant {
        fields = List.copyOf(fields);
        docs = List.copyOf(docs);
    }
}
