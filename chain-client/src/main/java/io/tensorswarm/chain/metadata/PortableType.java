package io.tensorswarm.chain.metadata;

import java.util.List;

/**
 * One entry of the portable type registry: id, Rust path segments (e.g. {@code [sp_core,
 * crypto, AccountId32]}), generic parameters, definition and docs.
 */
public record PortableType(int id, List<String> path, List<TypeParameter> params, TypeDef def, List<String> docs) {
    /** Copies the lists. */
    public PortableType {
        path = List.copyOf(path);
        params = List.copyOf(params);
        docs = List.copyOf(docs);
    }

    /** Returns the last path segment (the Rust type name), or "" for anonymous types. */
    public String name() {
        return path.isEmpty() ? "" : path.get(path.size() - 1);
    }

    /** A generic parameter: its name and type id (null when the parameter is not a type). */
    public record TypeParameter(String name, Integer typeId) {}
}
