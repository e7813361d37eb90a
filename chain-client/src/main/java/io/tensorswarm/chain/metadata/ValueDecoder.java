package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.scale.ScaleDecodeException;
import io.tensorswarm.chain.scale.ScaleReader;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Decodes SCALE bytes of any registry type into plain Java values, so storage values, runtime API
 * results and events can be read without hand-written structs.
 *
 * <p>Mapping: bool to {@code Boolean}; str and char to {@code String}; u8, u16, i8, i16, i32 to
 * {@code Integer}; u32 and i64 to {@code Long}; u64, u128, u256, i128, i256 to {@code
 * BigInteger}; compact values like their inner integer; {@code Vec<u8>} and {@code [u8; N]} to
 * {@code byte[]}; other sequences, arrays and tuples to {@code List}; a composite with named
 * fields to an insertion-ordered {@code Map<String, Object>}, with one unnamed field to that
 * field's value (newtypes such as {@code AccountId32} or {@code NetUid} unwrap), otherwise to a
 * {@code List}; an enum (including {@code Option}) to {@link VariantValue}; a bit sequence to a
 * {@code List<Boolean>}. Collections are unmodifiable.
 *
 * <pre>{@code
 * StorageEntry axons = md.storage("SubtensorModule", "Axons");
 * Map<String, Object> axon = (Map<String, Object>) new ValueDecoder(md.types())
 *         .decode(axons.valueTypeId(), valueBytes);
 * }</pre>
 */
public final class ValueDecoder {
    private static final int MAX_DEPTH = 128;

    private final TypeRegistry types;

    /** Creates a decoder over {@code types}; thread-safe. */
    public ValueDecoder(TypeRegistry types) {
        this.types = types;
    }

    /**
     * Decodes all of {@code bytes} as type {@code typeId}.
     *
     * @throws ScaleDecodeException if the bytes are short, malformed or have trailing bytes
     */
    public Object decode(int typeId, byte[] bytes) {
        ScaleReader in = new ScaleReader(bytes);
        Object v = decode(typeId, in);
        in.requireEnd();
        return v;
    }

    /** Decodes one value of type {@code typeId} from the reader's position. */
    public Object decode(int typeId, ScaleReader in) {
        return decode(typeId, in, 0);
    }

    private Object decode(int typeId, ScaleReader in, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ScaleDecodeException("type nesting deeper than " + MAX_DEPTH, in.position());
        }
        TypeDef def = types.def(typeId);
        if (def instanceof TypeDef.PrimitiveType p) {
            return primitive(p.primitive(), in);
        }
        if (def instanceof TypeDef.CompactType c) {
            return narrow(in.readCompact(), compactWidth(c.innerType(), 0));
        }
        if (def instanceof TypeDef.Composite c) {
            return fields(c.fields(), in, depth);
        }
        if (def instanceof TypeDef.VariantType v) {
            int at = in.position();
            int index = in.readU8();
            Variant variant = v.byIndex(index).orElseThrow(() -> new ScaleDecodeException(
                    "no variant " + index + " in " + types.get(typeId).name(), at));
            return new VariantValue(variant.name(), index, fields(variant.fields(), in, depth));
        }
        if (def instanceof TypeDef.Sequence s) {
            int n = in.readLength(types.isZeroSized(s.elementType()) ? 0 : 1);
            return items(s.elementType(), n, in, depth);
        }
        if (def instanceof TypeDef.ArrayType a) {
            if (a.length() > in.remaining() && !types.isZeroSized(a.elementType())) {
                throw new ScaleDecodeException("array of " + a.length() + " items exceeds the input", in.position());
            }
            return items(a.elementType(), (int) a.length(), in, depth);
        }
        if (def instanceof TypeDef.Tuple t) {
            List<Object> out = new ArrayList<>(t.elementTypes().size());
            for (int e : t.elementTypes()) {
                out.add(decode(e, in, depth + 1));
            }
            return Collections.unmodifiableList(out);
        }
        return bits((TypeDef.BitSequence) def, in);
    }

    private Object items(int elementType, int n, ScaleReader in, int depth) {
        if (isU8(elementType)) {
            return in.readBytes(n);
        }
        List<Object> out = new ArrayList<>(Math.min(n, 1024));
        for (int i = 0; i < n; i++) {
            out.add(decode(elementType, in, depth + 1));
        }
        return Collections.unmodifiableList(out);
    }

    private Object fields(List<Field> fields, ScaleReader in, int depth) {
        if (fields.isEmpty()) {
            return List.of();
        }
        if (fields.size() == 1 && fields.get(0).name() == null) {
            return decode(fields.get(0).typeId(), in, depth + 1);
        }
        if (fields.get(0).name() != null) {
            Map<String, Object> out = new LinkedHashMap<>();
            for (Field f : fields) {
                out.put(f.name(), decode(f.typeId(), in, depth + 1));
            }
            return Collections.unmodifiableMap(out);
        }
        List<Object> out = new ArrayList<>(fields.size());
        for (Field f : fields) {
            out.add(decode(f.typeId(), in, depth + 1));
        }
        return Collections.unmodifiableList(out);
    }

    boolean isU8(int typeId) {
        return types.def(typeId) instanceof TypeDef.PrimitiveType p && p.primitive() == Primitive.U8;
    }

    /** Returns the byte width of the integer under a compact (following newtypes), or 16. */
    int compactWidth(int typeId, int depth) {
        TypeDef def = types.def(typeId);
        if (def instanceof TypeDef.PrimitiveType p && p.primitive().integer()) {
            return p.primitive().byteSize();
        }
        if (def instanceof TypeDef.Composite c && c.fields().size() == 1 && depth < 16) {
            return compactWidth(c.fields().get(0).typeId(), depth + 1);
        }
        return 16;
    }

    private static Object narrow(BigInteger v, int width) {
        if (width <= 2 && v.bitLength() <= 31) {
            return v.intValue();
        }
        if (width == 4 && v.bitLength() <= 63) {
            return v.longValue();
        }
        return v;
    }

    private static Object primitive(Primitive p, ScaleReader in) {
        switch (p) {
            case BOOL:
                return in.readBool();
            case CHAR: {
                int at = in.position();
                long cp = in.readU32();
                if (cp > Character.MAX_CODE_POINT || (cp >= 0xd800 && cp <= 0xdfff)) {
                    throw new ScaleDecodeException("invalid char code point " + cp, at);
                }
                return new String(Character.toChars((int) cp));
            }
            case STR:
                return in.readString();
            case U8:
                return in.readU8();
            case U16:
                return in.readU16();
            case U32:
                return in.readU32();
            case I8:
                return (int) in.readI8();
            case I16:
                return (int) in.readI16();
            case I32:
                return in.readI32();
            case I64:
                return in.readI64();
            default:
                return p.signed() ? in.readSignedLittleEndian(p.byteSize()) : in.readUnsignedLittleEndian(p.byteSize());
        }
    }

    private Object bits(TypeDef.BitSequence def, ScaleReader in) {
        int at = in.position();
        TypeDef store = types.def(def.storeType());
        if (!(store instanceof TypeDef.PrimitiveType sp) || !sp.primitive().integer() || sp.primitive().signed()) {
            throw new ScaleDecodeException("unsupported bit sequence store type " + def.storeType(), at);
        }
        int storeBytes = sp.primitive().byteSize();
        boolean msb = types.get(def.orderType()).name().equals("Msb0");
        long bitCount = in.readCompactLong();
        long words = (bitCount + storeBytes * 8L - 1) / (storeBytes * 8L);
        if (words * storeBytes > in.remaining()) {
            throw new ScaleDecodeException("bit sequence of " + bitCount + " bits exceeds the input", at);
        }
        List<Boolean> out = new ArrayList<>((int) bitCount);
        for (long w = 0; w < words; w++) {
            BigInteger word = in.readUnsignedLittleEndian(storeBytes);
            for (int b = 0; b < storeBytes * 8 && out.size() < bitCount; b++) {
                out.add(word.testBit(msb ? storeBytes * 8 - 1 - b : b));
            }
        }
        return Collections.unmodifiableList(out);
    }
}
