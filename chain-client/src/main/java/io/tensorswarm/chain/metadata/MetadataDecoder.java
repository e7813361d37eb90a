package io.tensorswarm.chain.metadata;

import io.tensorswarm.chain.hash.StorageHasher;
import io.tensorswarm.chain.scale.ScaleDecodeException;
import io.tensorswarm.chain.scale.ScaleReader;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decodes {@code RuntimeMetadataPrefixed} bytes ({@code "meta"}, a version byte, the body) of
 * versions 14, 15 and 16 into {@link RuntimeMetadata}. Truncated, trailing or malformed bytes
 * raise {@link ScaleDecodeException}; an unsupported version or bad magic raises {@link
 * MetadataException}. Layouts follow paritytech/frame-metadata {@code v14.rs}, {@code v15.rs}
 * and {@code v16.rs}.
 *
 * <pre>{@code
 * RuntimeMetadata md = MetadataDecoder.decode(Hex.decode(stateGetMetadataResult));
 * }</pre>
 */
public final class MetadataDecoder {
    private static final Logger log = LoggerFactory.getLogger(MetadataDecoder.class);
    private static final int MAGIC = 0x6174656d; // "meta" read as a little-endian u32

    private MetadataDecoder() {}

    /** Decodes prefixed metadata, as returned by {@code state_getMetadata}. */
    public static RuntimeMetadata decode(byte[] prefixed) {
        ScaleReader in = new ScaleReader(prefixed);
        if (in.remaining() < 5 || in.readI32() != MAGIC) {
            throw new MetadataException("metadata does not start with the 'meta' magic");
        }
        int version = in.readU8();
        if (version < 14 || version > 16) {
            throw new MetadataException("unsupported metadata version " + version + " (need 14, 15 or 16)");
        }
        RuntimeMetadata md = new MetadataDecoder.Body(in, version).read();
        in.requireEnd();
        log.debug("decoded metadata v{}: {} types, {} pallets", version, md.types().size(), md.pallets().size());
        return md;
    }

    /**
     * Decodes the reply of {@code state_call("Metadata_metadata_at_version", u32)}: an {@code
     * Option<Vec<u8>>} wrapping prefixed metadata.
     *
     * @throws MetadataException if the runtime answered {@code None} (version not offered)
     */
    public static RuntimeMetadata decodeRuntimeApiReply(byte[] reply) {
        ScaleReader in = new ScaleReader(reply);
        byte[] inner = in.readOption(ScaleReader::readByteVec)
                .orElseThrow(() -> new MetadataException("runtime does not offer the requested metadata version"));
        in.requireEnd();
        return decode(inner);
    }

    /** Reads one metadata body of a given version; holds the registry while pallets resolve. */
    private static final class Body {
        private final ScaleReader in;
        private final int version;
        private TypeRegistry types;

        Body(ScaleReader in, int version) {
            this.in = in;
            this.version = version;
        }

        RuntimeMetadata read() {
            types = RegistryDecoder.read(in);
            List<PalletMetadata> pallets = in.readVec(r -> readPallet());
            ExtrinsicMetadata extrinsic = version == 16 ? readExtrinsicV16() : readExtrinsicV14V15();
            if (version < 16) {
                in.readCompactInt(); // outer runtime type id; unused
            }
            List<RuntimeApi> apis = version >= 15 ? in.readVec(r -> readApi()) : List.of();
            OuterEnums outer = null;
            if (version >= 15) {
                outer = new OuterEnums(in.readCompactInt(), in.readCompactInt(), in.readCompactInt());
                in.readVec(r -> { // custom map: name -> {ty, value}
                    r.readString();
                    r.readCompactInt();
                    return r.readByteVec();
                });
            }
            return new RuntimeMetadata(version, types, pallets, extrinsic, apis, outer);
        }

        private PalletMetadata readPallet() {
            String name = in.readString();
            String[] prefix = {null};
            List<StorageEntry> storage = in.readOption(r -> {
                prefix[0] = r.readString();
                return r.readVec(x -> readStorageEntry(name));
            }).orElse(List.of());
            Integer calls = readPalletTypeRef();
            Integer events = readPalletTypeRef();
            List<ConstantMetadata> constants = in.readVec(r -> {
                ConstantMetadata c = new ConstantMetadata(r.readString(), r.readCompactInt(), r.readByteVec(),
                        RegistryDecoder.readDocs(r));
                skipItemDeprecation();
                return c;
            });
            Integer errors = readPalletTypeRef();
            if (version == 16) {
                in.readVec(r -> { // associated types: name, ty, docs
                    r.readString();
                    r.readCompactInt();
                    return RegistryDecoder.readDocs(r);
                });
                in.readVec(r -> { // view functions: id, name, inputs, output, docs, deprecation
                    r.readBytes(32);
                    r.readString();
                    r.readVec(p -> p.readString() + p.readCompactInt());
                    r.readCompactInt();
                    RegistryDecoder.readDocs(r);
                    skipItemDeprecation();
                    return Boolean.TRUE;
                });
            }
            int index = in.readU8();
            List<String> docs = version >= 15 ? RegistryDecoder.readDocs(in) : List.of();
            skipItemDeprecation();
            return new PalletMetadata(name, index, prefix[0], storage,
                    calls, calls == null ? List.of() : resolveCalls(name, index, calls),
                    events, events == null ? List.of() : variants(events, name + " events").variants(),
                    errors, errors == null ? List.of() : resolveErrors(name, index, errors),
                    constants, docs);
        }

        /** Reads {@code Option<{ty[, deprecation]}>} for calls, events and errors. */
        private Integer readPalletTypeRef() {
            return in.readOption(r -> {
                int ty = r.readCompactInt();
                if (version == 16) {
                    r.readVec(x -> { // EnumDeprecationInfo: BTreeMap<u8, VariantDeprecationInfo>
                        x.readU8();
                        readDeprecationBody(x);
                        return Boolean.TRUE;
                    });
                }
                return ty;
            }).orElse(null);
        }

        private void skipItemDeprecation() {
            if (version == 16) {
                readDeprecationBody(in);
            }
        }

        /** Reads a deprecation tag: 0/1 carry nothing, 2 carries a note and an optional "since". */
        private static void readDeprecationBody(ScaleReader r) {
            int at = r.position();
            int tag = r.readU8();
            if (tag == 2) {
                r.readString();
                r.readOption(ScaleReader::readString);
            } else if (tag > 2) {
                throw new ScaleDecodeException("unknown deprecation info variant " + tag, at);
            }
        }

        private StorageEntry readStorageEntry(String pallet) {
            String name = in.readString();
            int at = in.position();
            int modifier = in.readU8();
            if (modifier > 1) {
                throw new ScaleDecodeException("unknown storage modifier " + modifier, at);
            }
            at = in.position();
            int kind = in.readU8();
            List<StorageHasher> hashers = List.of();
            Integer key = null;
            int value;
            if (kind == 0) {
                value = in.readCompactInt();
            } else if (kind == 1) {
                hashers = in.readVec(r -> {
                    int h = r.position();
                    int code = r.readU8();
                    if (code > 6) {
                        throw new ScaleDecodeException("unknown storage hasher " + code, h);
                    }
                    return StorageHasher.fromIndex(code);
                });
                key = in.readCompactInt();
                value = in.readCompactInt();
            } else {
                throw new ScaleDecodeException("unknown storage entry type " + kind, at);
            }
            byte[] def = in.readByteVec();
            List<String> docs = RegistryDecoder.readDocs(in);
            skipItemDeprecation();
            return new StorageEntry(pallet, name,
                    modifier == 0 ? StorageEntry.Modifier.OPTIONAL : StorageEntry.Modifier.DEFAULT,
                    hashers, key, value, def, docs);
        }

        private ExtrinsicMetadata readExtrinsicV14V15() {
            int address = -1;
            int call = -1;
            int signature = -1;
            int version14Or15;
            if (version == 14) {
                in.readCompactInt(); // extrinsic type
                version14Or15 = in.readU8();
            } else {
                version14Or15 = in.readU8();
                address = in.readCompactInt();
                call = in.readCompactInt();
                signature = in.readCompactInt();
                in.readCompactInt(); // extra type
            }
            List<SignedExtension> exts = in.readVec(r ->
                    new SignedExtension(r.readString(), r.readCompactInt(), r.readCompactInt()));
            return new ExtrinsicMetadata(List.of(version14Or15), address, call, signature, exts, Map.of());
        }

        private ExtrinsicMetadata readExtrinsicV16() {
            List<Integer> versions = in.readVec(ScaleReader::readU8);
            int address = in.readCompactInt();
            int call = in.readCompactInt();
            int signature = in.readCompactInt();
            Map<Integer, List<Integer>> byVersion = new LinkedHashMap<>();
            in.readVec(r -> byVersion.put(r.readU8(), r.readVec(ScaleReader::readCompactInt)));
            List<SignedExtension> exts = in.readVec(r ->
                    new SignedExtension(r.readString(), r.readCompactInt(), r.readCompactInt()));
            return new ExtrinsicMetadata(versions, address, call, signature, exts, byVersion);
        }

        private RuntimeApi readApi() {
            String name = in.readString();
            List<RuntimeApi.Method> methods = in.readVec(r -> {
                String m = r.readString();
                List<RuntimeApi.Param> inputs = r.readVec(p -> new RuntimeApi.Param(p.readString(), p.readCompactInt()));
                int output = r.readCompactInt();
                List<String> docs = RegistryDecoder.readDocs(r);
                skipItemDeprecation();
                return new RuntimeApi.Method(m, inputs, output, docs);
            });
            List<String> docs = RegistryDecoder.readDocs(in);
            long apiVersion = -1;
            if (version == 16) {
                apiVersion = in.readCompactLong();
                skipItemDeprecation();
            }
            return new RuntimeApi(name, methods, docs, apiVersion);
        }

        private TypeDef.VariantType variants(int typeId, String what) {
            TypeDef def = types.def(typeId);
            if (def instanceof TypeDef.VariantType v) {
                return v;
            }
            throw new MetadataException(what + " type " + typeId + " is not an enum");
        }

        private List<CallInfo> resolveCalls(String pallet, int palletIndex, int typeId) {
            List<CallInfo> out = new ArrayList<>();
            for (Variant v : variants(typeId, pallet + " calls").variants()) {
                out.add(new CallInfo(pallet, palletIndex, v.name(), v.index(), v.fields(), v.docs()));
            }
            return out;
        }

        private List<ErrorInfo> resolveErrors(String pallet, int palletIndex, int typeId) {
            List<ErrorInfo> out = new ArrayList<>();
            for (Variant v : variants(typeId, pallet + " errors").variants()) {
                out.add(new ErrorInfo(pallet, palletIndex, v.name(), v.index(), v.docs()));
            }
            return out;
        }
    }
}
