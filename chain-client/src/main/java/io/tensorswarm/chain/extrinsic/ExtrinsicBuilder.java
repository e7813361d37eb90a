package io.tensorswarm.chain.extrinsic;

import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.metadata.SignedExtension;
import io.tensorswarm.chain.metadata.TypeDef;
import io.tensorswarm.chain.metadata.TypeRegistry;
import io.tensorswarm.chain.metadata.ValueEncoder;
import io.tensorswarm.chain.metadata.VariantValue;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.util.Optional;

/**
 * Builds signed v4 extrinsics for one runtime, encoding the signed extensions its metadata lists, in
 * that order: the era ({@code CheckMortality}), nonce ({@code CheckNonce}), tip ({@code
 * ChargeTransactionPayment} or subtensor's {@code ChargeTransactionPaymentWrapper}) and metadata-hash
 * mode 0 ({@code CheckMetadataHash}) as extra data; spec and transaction version, genesis hash,
 * birth-block hash and the absent metadata hash as additional data. Any other extension must carry
 * no data (its extra and additional types are zero-sized), otherwise building fails naming it.
 * Thread-safe.
 *
 * <pre>{@code
 * ExtrinsicBuilder builder = new ExtrinsicBuilder(metadata);
 * SignedExtrinsic xt = builder.sign(call.toBytes(), params, hotkey);
 * rpc.send("author_submitExtrinsic", List.of(xt.hex()));
 * }</pre>
 */
public final class ExtrinsicBuilder {
    /** The extrinsic format version built here. */
    public static final int VERSION = 4;
    private static final int SIGNED_BIT = 0x80;
    private static final int MULTI_ADDRESS_ID = 0;
    private static final int MULTI_SIGNATURE_SR25519 = 1;

    private final RuntimeMetadata metadata;
    private final TypeRegistry types;
    private final ValueEncoder encoder;

    /**
     * Creates a builder for the runtime described by {@code metadata}.
     *
     * @throws ChainException if the runtime does not accept v4 extrinsics
     */
    public ExtrinsicBuilder(RuntimeMetadata metadata) {
        if (!metadata.extrinsic().versions().contains(VERSION)) {
            throw new ChainException("runtime accepts extrinsic versions " + metadata.extrinsic().versions()
                    + ", not the v4 signed format this client builds");
        }
        this.metadata = metadata;
        this.types = metadata.types();
        this.encoder = new ValueEncoder(types);
    }

    /**
     * Returns the signing payload of {@code call} (pallet index, call index, args) under {@code params}.
     *
     * @throws ChainException naming an extension whose data this client cannot supply
     */
    public SigningPayload payload(byte[] call, ExtrinsicParams params) {
        ScaleWriter extra = new ScaleWriter();
        ScaleWriter additional = new ScaleWriter();
        for (SignedExtension ext : metadata.signedExtensions()) {
            writeExtra(ext, params, extra);
            writeAdditional(ext, params, additional);
        }
        return new SigningPayload(call, extra.toByteArray(), additional.toByteArray());
    }

    /** Signs {@code call} with {@code signer} (sr25519) and returns the encoded extrinsic. */
    public SignedExtrinsic sign(byte[] call, ExtrinsicParams params, Sr25519KeyPair signer) {
        SigningPayload payload = payload(call, params);
        byte[] signature = signer.sign(payload.toSign());
        return assemble(signer.publicKey().toBytes(), signature, payload);
    }

    /**
     * Returns {@code Compact(len) ‖ 0x84 ‖ MultiAddress::Id(signer) ‖ MultiSignature::Sr25519(sig) ‖
     * extra ‖ call}.
     */
    public static SignedExtrinsic assemble(byte[] signerPublicKey, byte[] signature, SigningPayload payload) {
        if (signerPublicKey.length != 32 || signature.length != 64) {
            throw new IllegalArgumentException("need a 32-byte public key and a 64-byte signature");
        }
        ScaleWriter body = new ScaleWriter();
        body.writeU8(SIGNED_BIT | VERSION);
        body.writeU8(MULTI_ADDRESS_ID).writeBytes(signerPublicKey);
        body.writeU8(MULTI_SIGNATURE_SR25519).writeBytes(signature);
        body.writeBytes(payload.extra());
        body.writeBytes(payload.call());
        byte[] inner = body.toByteArray();
        return new SignedExtrinsic(new ScaleWriter(inner.length + 4).writeCompact(inner.length).writeBytes(inner)
                .toByteArray());
    }

    private void writeExtra(SignedExtension ext, ExtrinsicParams p, ScaleWriter out) {
        switch (ext.identifier()) {
            case "CheckMortality", "CheckEra" -> p.era().write(out);
            case "CheckNonce" -> encoder.encode(ext.typeId(), p.nonce(), out);
            case "ChargeTransactionPayment", "ChargeTransactionPaymentWrapper" ->
                    encoder.encode(ext.typeId(), p.tip(), out);
            case "CheckMetadataHash" -> encoder.encode(ext.typeId(), VariantValue.of("Disabled"), out);
            default -> requireEmpty(ext, ext.typeId(), "extra");
        }
    }

    private void writeAdditional(SignedExtension ext, ExtrinsicParams p, ScaleWriter out) {
        int type = ext.additionalSignedTypeId();
        switch (ext.identifier()) {
            case "CheckSpecVersion" -> encoder.encode(type, p.specVersion(), out);
            case "CheckTxVersion" -> encoder.encode(type, p.transactionVersion(), out);
            case "CheckGenesis" -> encoder.encode(type, p.genesisHash(), out);
            case "CheckMortality", "CheckEra" -> encoder.encode(type, p.birthBlockHash(), out);
            case "CheckMetadataHash" -> {
                // Option<[u8;32]> None; older runtimes encode the implicit None as nothing.
                if (!types.isZeroSized(type)) {
                    if (!(types.def(type) instanceof TypeDef.VariantType)) {
                        throw new ChainException("CheckMetadataHash additional data has an unexpected type " + type);
                    }
                    encoder.encode(type, Optional.empty(), out);
                }
            }
            default -> requireEmpty(ext, type, "additional signed");
        }
    }

    private void requireEmpty(SignedExtension ext, int type, String part) {
        if (!types.isZeroSized(type)) {
            throw new ChainException("cannot sign for this runtime: signed extension " + ext.identifier()
                    + " has non-empty " + part + " data (type #" + type + ")");
        }
    }
}
