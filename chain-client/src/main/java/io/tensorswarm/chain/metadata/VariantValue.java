package io.tensorswarm.chain.metadata;

import java.util.List;
import java.util.Objects;

/**
 * A decoded (or to-be-encoded) enum value: the variant name, its index and its fields' value
 * ({@code List.of()} when it has none, a single value for one unnamed field, a map for named
 * fields, a list for several unnamed fields). For encoding the index is looked up by name.
 */
public record VariantValue(String name, int index, Object value) {
    /** Returns a variant to encode, found by name; fields as {@code value}. */
    public static VariantValue of(String name, Object value) {
        return new VariantValue(name, -1, value);
    }

    /** Returns a field-less variant to encode, found by name. */
    public static VariantValue of(String name) {
        return new VariantValue(name, -1, List.of());
    }

    /** Requires a name. */
    public VariantValue {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(value, "value (use List.of() for no fields)");
    }
}
