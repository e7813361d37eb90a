package io.tensorswarm.chain.metadata;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The metadata's portable type registry: type id to {@link PortableType}. Immutable and thread-safe. */
public final class TypeRegistry {
    private final Map<Integer, PortableType> types;

    /** Creates a registry from the given types (ids need not be contiguous). */
    public TypeRegistry(List<PortableType> types) {
        Map<Integer, PortableType> map = new LinkedHashMap<>();
        for (PortableType t : types) {
            map.put(t.id(), t);
        }
        this.types = Collections.unmodifiableMap(map);
    }

    /**
     * Returns the type with id {@code id}.
     *
     * @throws MetadataException if there is none
     */
    public PortableType get(int id) {
        PortableType t = types.get(id);
        if (t == null) {
            throw new MetadataException("type id " + id + " is not in the metadata registry");
        }
        return t;
    }

    /** Returns the definition of type {@code id}. */
    public TypeDef def(int id) {
        return get(id).def();
    }

    /** Returns true when type {@code id} exists. */
    public boolean contains(int id) {
        return types.containsKey(id);
    }

    /** Returns the number of types. */
    public int size() {
        return types.size();
    }

    /** Returns every type in registry order. */
    public Collection<PortableType> all() {
        return types.values();
    }

    /**
     * Returns true when values of type {@code id} always encode to zero bytes (an empty composite
     * or tuple, or one made only of such types), as zero-size signed extensions are.
     */
    public boolean isZeroSized(int id) {
        return isZeroSized(id, 0);
    }

    private boolean isZeroSized(int id, int depth) {
        if (depth > 64) {
            return false;
        }
        TypeDef def = def(id);
        if (def instanceof TypeDef.Composite c) {
            return c.fields().stream().allMatch(f -> isZeroSized(f.typeId(), depth + 1));
        }
        if (def instanceof TypeDef.Tuple t) {
            return t.elementTypes().stream().allMatch(e -> isZeroSized(e, depth + 1));
        }
        if (def instanceof TypeDef.ArrayType a) {
            return a.length() == 0 || isZeroSized(a.elementType(), depth + 1);
        }
        return false;
    }
}
