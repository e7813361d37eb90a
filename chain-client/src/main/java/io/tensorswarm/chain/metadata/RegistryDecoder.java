package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.scale.ScaleDecodeException;
import io.tensorswarm.chain.scale.ScaleReader;
import java.util.List;

/** Decodes the scale-info {@code PortableRegistry} at the start of V14+ metadata. */
final class RegistryDecoder {
    private RegistryDecoder() {}

    static TypeRegistry read(ScaleReader in) {
        return new TypeRegistry(in.readVec(RegistryDecoder::readType));
    }

    private static PortableType readType(ScaleReader in) {
        int id = in.readCompactInt();
        List<String> path = in.readVec(ScaleReader::readString);
        List<PortableType.TypeParameter> params = in.readVec(r -> new PortableType.TypeParameter(
                r.readString(), r.readOption(ScaleReader::readCompactInt).orElse(null)));
        TypeDef def = readDef(in);
        List<String> docs = readDocs(in);
        return new PortableType(id, path, params, def, docs);
    }

    private static TypeDef readDef(ScaleReader in) {
        int at = in.position();
        int tag = in.readU8();
        switch (tag) {
            case 0:
                return new TypeDef.Composite(readFields(in));
            case 1:
                return new TypeDef.VariantType(in.readVec(RegistryDecoder::readVariant));
            case 2:
                return new TypeDef.Sequence(in.readCompactInt());
            case 3: {
                long len = in.readU32();
                return new TypeDef.ArrayType(len, in.readCompactInt());
            }
            case 4:
                return new TypeDef.Tuple(in.readVec(ScaleReader::readCompactInt));
            case 5: {
                int code = in.readU8();
                Primitive p = Primitive.fromCode(code);
                if (p == null) {
                    throw new ScaleDecodeException("unknown primitive code " + code, at + 1);
                }
                return new TypeDef.PrimitiveType(p);
            }
            case 6:
                return new TypeDef.CompactType(in.readCompactInt());
            case 7: {
                int store = in.readCompactInt();
                return new TypeDef.BitSequence(store, in.readCompactInt());
            }
            default:
                throw new ScaleDecodeException("unknown TypeDef variant " + tag, at);
        }
    }

    private static Variant readVariant(ScaleReader in) {
        String name = in.readString();
        List<Field> fields = readFields(in);
        int index = in.readU8();
        return new Variant(name, fields, index, readDocs(in));
    }

    static List<Field> readFields(ScaleReader in) {
        return in.readVec(r -> {
            String name = r.readOption(ScaleReader::readString).orElse(null);
            int ty = r.readCompactInt();
            String typeName = r.readOption(ScaleReader::readString).orElse(null);
            return new Field(name, ty, typeName, readDocs(r));
        });
    }

    static List<String> readDocs(ScaleReader in) {
        return in.readVec(ScaleReader::readString);
    }
}
