package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.hash.StorageHasher;
import java.util.List;

/**
 * One storage item of a pallet: name, modifier, key hashers and key type (empty hashers and a
 * null key type for a plain value), value type, the SCALE default used when the key is absent
 * under {@link Modifier#DEFAULT}, and docs.
 *
 * <p>For a map with several hashers the key type is a tuple with one element per hasher; {@link
 * #keyTypes(TypeRegistry)} splits it.
 */
public record StorageEntry(
        String pallet,
        String name,
        Modifier modifier,
        List<StorageHasher> hashers,
        Integer keyTypeId,
        int valueTypeId,
        byte[] defaultValue,
        List<String> docs) {

    /** Copies the lists and the default bytes. */
    public StorageEntry {
        hashers = List.copyOf(hashers);
        defaultValue = defaultValue.clone();
        docs = List.copyOf(docs);
    }

    /** Whether an absent key reads as "none" or as the entry's default value. */
    public enum Modifier {
        OPTIONAL,
        DEFAULT
    }

    /** Returns true for a plain (unkeyed) value. */
    public boolean isPlain() {
        return keyTypeId == null;
    }

    /** Returns a copy of the SCALE-encoded default value. */
    @Override
    public byte[] defaultValue() {
        return defaultValue.clone();
    }

    /** Returns the type id of each key part, one per hasher (empty for a plain value). */
    public List<Integer> keyTypes(TypeRegistry types) {
        if (isPlain()) {
            return List.of();
        }
        if (hashers.size() == 1) {
            return List.of(keyTypeId);
        }
        TypeDef def = types.def(keyTypeId);
        if (def instanceof TypeDef.Tuple t && t.elementTypes().size() == hashers.size()) {
            return t.elementTypes();
        }
        throw new MetadataException(pallet + "." + name + " has " + hashers.size()
                + " hashers but its key type " + keyTypeId + " is not a matching tuple");
    }
}
