package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.scale.ScaleWriter;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Encodes plain Java values as any registry type: the inverse of {@link ValueDecoder}, with some
 * conveniences. Integers accept any {@link Number} or {@link BigInteger} (range-checked); {@code
 * Vec<u8>} and {@code [u8; N]} accept {@code byte[]}; other sequences accept a {@link Collection},
 * {@code int[]} or {@code long[]}; a composite accepts a {@code Map} by field name, a {@code
 * List} by position, or the bare value when it has one field (newtypes); an enum accepts a {@link
 * VariantValue} (found by name) or a {@code String} naming a field-less variant; an {@code
 * Option} also accepts a {@link java.util.Optional}.
 *
 * <p>A value that does not fit its type is a caller mistake: {@link IllegalArgumentException}
 * naming the type. Thread-safe.
 */
public final class ValueEncoder {
    private static final int MAX_DEPTH = 128;

    private final TypeRegistry types;

    /** Creates an encoder over {@code types}. */
    public ValueEncoder(TypeRegistry types) {
        this.types = types;
    }

    /** Returns the encoding of {@code value} as type {@code typeId}. */
    public byte[] encode(int typeId, Object value) {
        ScaleWriter out = new ScaleWriter();
        encode(typeId, value, out);
        return out.toByteArray();
    }

    /** Appends the encoding of {@code value} as type {@code typeId} to {@code out}. */
    public void encode(int typeId, Object value, ScaleWriter out) {
        encode(typeId, value, out, 0);
    }

    private void encode(int typeId, Object value, ScaleWriter out, int depth) {
        if (depth > MAX_DEPTH) {
            throw new IllegalArgumentException("type nesting deeper than " + MAX_DEPTH);
        }
        PortableType type = types.get(typeId);
        TypeDef def = type.def();
        if (def instanceof TypeDef.PrimitiveType p) {
            primitive(p.primitive(), value, out);
        } else if (def instanceof TypeDef.CompactType) {
            out.writeCompact(integer(value, "Compact"));
        } else if (def instanceof TypeDef.Composite c) {
            fields(type, c.fields(), value, out, depth);
        } else if (def instanceof TypeDef.VariantType v) {
            variant(type, v, value, out, depth);
        } else if (def instanceof TypeDef.Sequence s) {
            List<?> items = items(s.elementType(), value, type);
            if (items == null) {
                out.writeByteVec((byte[]) value);
            } else {
                out.writeCompact(items.size());
                for (Object item : items) {
                    encode(s.elementType(), item, out, depth + 1);
                }
            }
        } else if (def instanceof TypeDef.ArrayType a) {
            List<?> items = items(a.elementType(), value, type);
            int n = items == null ? ((byte[]) value).length : items.size();
            if (n != a.length()) {
                throw new IllegalArgumentException("array type " + typeId + " needs " + a.length() + " items, got " + n);
            }
            if (items == null) {
                out.writeBytes((byte[]) value);
            } else {
                for (Object item : items) {
                    encode(a.elementType(), item, out, depth + 1);
                }
            }
        } else if (def instanceof TypeDef.Tuple t) {
            List<?> items = t.elementTypes().size() == 1 && !(value instanceof List) ? List.of(value) : asList(value, type);
            if (items.size() != t.elementTypes().size()) {
                throw new IllegalArgumentException("tuple type " + typeId + " needs " + t.elementTypes().size() + " items");
            }
            for (int i = 0; i < items.size(); i++) {
                encode(t.elementTypes().get(i), items.get(i), out, depth + 1);
            }
        } else {
            throw new IllegalArgumentException("encoding bit sequences (type " + typeId + ") is not supported");
        }
    }

    /** Returns the items as a list, or null when {@code value} is a byte[] for a u8 element. */
    private List<?> items(int elementType, Object value, PortableType type) {
        boolean u8 = types.def(elementType) instanceof TypeDef.PrimitiveType p && p.primitive() == Primitive.U8;
        if (value instanceof byte[]) {
            if (!u8) {
                throw new IllegalArgumentException("byte[] given for type " + type.id() + " whose items are not u8");
            }
            return null;
        }
        if (value instanceof int[] ints) {
            List<Object> out = new ArrayList<>(ints.length);
            for (int i : ints) {
                out.add(i);
            }
            return out;
        }
        if (value instanceof long[] longs) {
            List<Object> out = new ArrayList<>(longs.length);
            for (long l : longs) {
                out.add(l);
            }
            return out;
        }
        return asList(value, type);
    }

    private static List<?> asList(Object value, PortableType type) {
        if (value instanceof List<?> l) {
            return l;
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        throw new IllegalArgumentException("type " + type.id() + " " + type.path() + " needs a list, got " + describe(value));
    }

    private void fields(PortableType type, List<Field> fields, Object value, ScaleWriter out, int depth) {
        if (fields.isEmpty()) {
            return;
        }
        if (value instanceof Map<?, ?> map && fields.get(0).name() != null) {
            for (Field f : fields) {
                if (!map.containsKey(f.name())) {
                    throw new IllegalArgumentException("missing field '" + f.name() + "' of " + type.path());
                }
                encode(f.typeId(), map.get(f.name()), out, depth + 1);
            }
            return;
        }
        if (fields.size() == 1) {
            encode(fields.get(0).typeId(), value, out, depth + 1);
            return;
        }
        List<?> items = asList(value, type);
        if (items.size() != fields.size()) {
            throw new IllegalArgumentException(type.path() + " needs " + fields.size() + " fields, got " + items.size());
        }
        for (int i = 0; i < fields.size(); i++) {
            encode(fields.get(i).typeId(), items.get(i), out, depth + 1);
        }
    }

    private void variant(PortableType type, TypeDef.VariantType def, Object value, ScaleWriter out, int depth) {
        String name;
        Object fieldsValue;
        if (value instanceof VariantValue v) {
            name = v.name();
            fieldsValue = v.value();
        } else if (value instanceof String s) {
            name = s;
            fieldsValue = List.of();
        } else if (value instanceof Optional<?> o && type.name().equals("Option")) {
            name = o.isPresent() ? "Some" : "None";
            fieldsValue = o.isPresent() ? o.get() : List.of();
        } else {
            throw new IllegalArgumentException("enum " + type.path() + " needs a VariantValue, got " + describe(value));
        }
        Variant variant = def.byName(name).orElseThrow(() ->
                new IllegalArgumentException("enum " + type.path() + " has no variant " + name));
        out.writeU8(variant.index());
        fields(type, variant.fields(), fieldsValue, out, depth);
    }

    private static BigInteger integer(Object value, String type) {
        if (value instanceof BigInteger b) {
            return b;
        }
        if (value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte) {
            return BigInteger.valueOf(((Number) value).longValue());
        }
        throw new IllegalArgumentException(type + " needs an integer, got " + describe(value));
    }

    private static void primitive(Primitive p, Object value, ScaleWriter out) {
        switch (p) {
            case BOOL:
                if (!(value instanceof Boolean b)) {
                    throw new IllegalArgumentException("bool needs a Boolean, got " + describe(value));
                }
                out.writeBool(b);
                return;
            case STR:
                out.writeString(String.valueOf(value));
                return;
            case CHAR: {
                String s = String.valueOf(value);
                if (s.codePointCount(0, s.length()) != 1) {
                    throw new IllegalArgumentException("char needs exactly one code point");
                }
                out.writeU32(s.codePointAt(0));
                return;
            }
            default: {
                BigInteger v = integer(value, p.name().toLowerCase());
                if (p.signed()) {
                    out.writeSignedLittleEndian(v, p.byteSize());
                } else {
                    out.writeUnsignedLittleEndian(v, p.byteSize());
                }
            }
        }
    }

    private static String describe(Object value) {
        return value == null ? "null" : value.getClass().getSimpleName();
    }
}
