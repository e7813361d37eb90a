package io.tensorswarm.chain.metadata;

import java.util.List;
import java.util.Optional;

/** The shape of a registry type: one of the eight scale-info {@code TypeDef} variants. */
public sealed interface TypeDef {
    /** A struct or tuple struct: fields encoded in order. */
    record Composite(List<Field> fields) implements TypeDef {
        /** Copies the list. */
        public Composite {
            fields = List.copyOf(fields);
        }
    }

    /** An enum: a variant index byte, then that variant's fields. */
    record VariantType(List<Variant> variants) implements TypeDef {
        /** Copies the list. */
        public VariantType {
            variants = List.copyOf(variants);
        }

        /** Returns the variant whose encoded index is {@code index}. */
        public Optional<Variant> byIndex(int index) {
            return variants.stream().filter(v -> v.index() == index).findFirst();
        }

        /** Returns the variant named {@code name}. */
        public Optional<Variant> byName(String name) {
            return variants.stream().filter(v -> v.name().equals(name)).findFirst();
        }
    }

    /** A {@code Vec<T>}: compact length, then the items. */
    record Sequence(int elementType) implements TypeDef {}

    /** A fixed-length array {@code [T; len]}: the items with no length prefix. */
    record ArrayType(long length, int elementType) implements TypeDef {}

    /** A tuple: the element types encoded in order. */
    record Tuple(List<Integer> elementTypes) implements TypeDef {
        /** Copies the list. */
        public Tuple {
            elementTypes = List.copyOf(elementTypes);
        }
    }

    /** A primitive: bool, char, str or a fixed-width integer. */
    record PrimitiveType(Primitive primitive) implements TypeDef {}

    /** A {@code Compact<T>} of an unsigned integer (or a newtype of one). */
    record CompactType(int innerType) implements TypeDef {}

    /** A {@code BitVec<Store, Order>}. */
    record BitSequence(int storeType, int orderType) implements TypeDef {}
}
