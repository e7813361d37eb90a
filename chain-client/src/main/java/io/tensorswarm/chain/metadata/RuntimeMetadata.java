package io.tensorswarm.chain.metadata;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Decoded runtime metadata (V14, V15 or V16) with lookups for pallets, calls, storage, errors,
 * signed extensions and runtime APIs. Immutable and thread-safe; re-read it whenever the
 * runtime's {@code specVersion} changes. Obtain one with {@link MetadataDecoder#decode(byte[])}.
 *
 * <pre>{@code
 * RuntimeMetadata md = MetadataDecoder.decode(metadataBytes);
 * CallInfo call = md.pallet("SubtensorModule").call("set_weights");
 * ErrorInfo err = md.error(moduleError.index(), moduleError.firstByte());
 * }</pre>
 */
public final class RuntimeMetadata {
    private final int version;
    private final TypeRegistry types;
    private final List<PalletMetadata> pallets;
    private final ExtrinsicMetadata extrinsic;
    private final List<RuntimeApi> apis;
    private final OuterEnums outerEnums;

    /** Creates metadata from decoded parts; {@code outerEnums} is null for V14. */
    public RuntimeMetadata(int version, TypeRegistry types, List<PalletMetadata> pallets,
            ExtrinsicMetadata extrinsic, List<RuntimeApi> apis, OuterEnums outerEnums) {
        this.version = version;
        this.types = types;
        this.pallets = List.copyOf(pallets);
        this.extrinsic = extrinsic;
        this.apis = List.copyOf(apis);
        this.outerEnums = outerEnums;
    }

    /** Returns the metadata version: 14, 15 or 16. */
    public int version() {
        return version;
    }

    /** Returns the type registry. */
    public TypeRegistry types() {
        return types;
    }

    /** Returns all pallets in metadata order. */
    public List<PalletMetadata> pallets() {
        return pallets;
    }

    /** Returns the extrinsic section. */
    public ExtrinsicMetadata extrinsic() {
        return extrinsic;
    }

    /** Returns the runtime API traits (empty for V14). */
    public List<RuntimeApi> apis() {
        return apis;
    }

    /** Returns the outer enum type ids, if the metadata (V15+) has them. */
    public Optional<OuterEnums> outerEnums() {
        return Optional.ofNullable(outerEnums);
    }

    /** Returns the pallet named {@code name}, if any. */
    public Optional<PalletMetadata> findPallet(String name) {
        return pallets.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /**
     * Returns the pallet named {@code name}.
     *
     * @throws MetadataException if the runtime has no such pallet
     */
    public PalletMetadata pallet(String name) {
        return findPallet(name).orElseThrow(() -> new MetadataException("runtime has no pallet " + name));
    }

    /**
     * Returns the pallet with index {@code index}.
     *
     * @throws MetadataException if no pallet has that index
     */
    public PalletMetadata pallet(int index) {
        return pallets.stream().filter(p -> p.index() == index).findFirst()
                .orElseThrow(() -> new MetadataException("runtime has no pallet with index " + index));
    }

    /** Returns {@code pallet(pallet).call(call)}. */
    public CallInfo call(String pallet, String call) {
        return pallet(pallet).call(call);
    }

    /** Returns {@code pallet(pallet).storage(item)}. */
    public StorageEntry storage(String pallet, String item) {
        return pallet(pallet).storage(item);
    }

    /**
     * Returns the error a {@code DispatchError::Module{index, error}} names: {@code errorIndex} is
     * the first byte of the 4-byte error field.
     *
     * @throws MetadataException if the pallet or error variant is unknown
     */
    public ErrorInfo error(int palletIndex, int errorIndex) {
        PalletMetadata p = pallet(palletIndex);
        return p.findError(errorIndex).orElseThrow(() -> new MetadataException(
                "pallet " + p.name() + " has no error with index " + errorIndex));
    }

    /**
     * Returns the signed extensions a v4 signed extrinsic carries, in order: V14/V15 list them
     * directly; for V16 this is the set for extension version 0 (the only one v4 extrinsics
     * use), or every extension when the metadata gives no per-version map.
     */
    public List<SignedExtension> signedExtensions() {
        List<Integer> indices = extrinsic.extensionsByVersion().get(0);
        if (indices == null) {
            return extrinsic.extensions();
        }
        List<SignedExtension> out = new ArrayList<>(indices.size());
        for (int i : indices) {
            if (i < 0 || i >= extrinsic.extensions().size()) {
                throw new MetadataException("extension index " + i + " out of range");
            }
            out.add(extrinsic.extensions().get(i));
        }
        return out;
    }

    /**
     * Returns the runtime API method {@code trait.method}.
     *
     * @throws MetadataException if the metadata (V14) has no runtime APIs or lacks the method
     */
    public RuntimeApi.Method runtimeApi(String trait, String method) {
        RuntimeApi api = apis.stream().filter(a -> a.name().equals(trait)).findFirst()
                .orElseThrow(() -> new MetadataException("runtime has no API " + trait));
        return api.method(method)
                .orElseThrow(() -> new MetadataException("runtime API " + trait + " has no method " + method));
    }
}
