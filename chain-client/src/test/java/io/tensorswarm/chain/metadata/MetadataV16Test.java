package io.tensorswarm.chain.metadata;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.ChainVectors;
import io.tensorswarm.chain.hash.StorageHasher;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Decodes the real subtensor spec-381 V16 metadata (chain-spec §2.4, §3.2, §4, §5.2) and checks
 * pallet and call indices, errors, storage layouts, extensions and runtime APIs.
 */
class MetadataV16Test {
    private final RuntimeMetadata md = ChainVectors.metadata();

    @Test
    void decodesVersionRegistryAndPalletIndices() {
        assertEquals(16, md.version());
        assertEquals(724, md.types().size());
        assertEquals(7, md.pallet("SubtensorModule").index());
        assertEquals(18, md.pallet("Commitments").index());
        assertEquals(0, md.pallet("System").index());
        assertEquals("SubtensorModule", md.pallet(7).name());
        assertEquals(List.of(4, 5), md.extrinsic().versions());
    }

    @Test
    void callIndicesMatchSpecSection4() {
        assertEquals(0, md.call("SubtensorModule", "set_weights").callIndex());
        assertEquals(96, md.call("SubtensorModule", "commit_weights").callIndex());
        assertEquals(97, md.call("SubtensorModule", "reveal_weights").callIndex());
        assertEquals(4, md.call("SubtensorModule", "serve_axon").callIndex());
        assertEquals(7, md.call("SubtensorModule", "burned_register").callIndex());
        assertEquals(0, md.call("Commitments", "set_commitment").callIndex());
        CallInfo setWeights = md.call("SubtensorModule", "set_weights");
        assertEquals(List.of("netuid", "dests", "weights", "version_key"),
                setWeights.fields().stream().map(Field::name).toList());
        assertThrows(MetadataException.class, () -> md.call("SubtensorModule", "no_such_call"));
        assertThrows(MetadataException.class, () -> md.pallet("NoSuchPallet"));
    }

    @Test
    void findsWeightErrorsByNameAndByModuleErrorIndex() {
        ErrorInfo tooFast = md.pallet("SubtensorModule").findError("SettingWeightsTooFast").orElseThrow();
        assertEquals(tooFast, md.error(7, tooFast.errorIndex()));
        assertEquals("SubtensorModule.SettingWeightsTooFast", tooFast.qualifiedName());
        assertTrue(tooFast.docs().get(0).contains("rate limit"));
        ErrorInfo version = md.pallet("SubtensorModule").findError("IncorrectWeightVersionKey").orElseThrow();
        assertEquals("IncorrectWeightVersionKey", md.error(7, version.errorIndex()).name());
        assertThrows(MetadataException.class, () -> md.error(7, 255));
    }

    @Test
    void signedExtensionsAreSpecListForThisOlderRuntime() {
        // Spec §3.2 lists spec-425; spec 381 predates CheckShieldedTxValidity and names the payment
        // extension ChargeTransactionPayment rather than ChargeTransactionPaymentWrapper.
        List<String> ids = md.signedExtensions().stream().map(SignedExtension::identifier).toList();
        assertEquals(List.of("CheckNonZeroSender", "CheckSpecVersion", "CheckTxVersion", "CheckGenesis",
                "CheckMortality", "CheckNonce", "CheckWeight", "ChargeTransactionPayment",
                "SudoTransactionExtension", "SubtensorTransactionExtension", "DrandPriority",
                "CheckMetadataHash"), ids);
        TypeRegistry types = md.types();
        SignedExtension weight = md.signedExtensions().get(6);
        assertTrue(types.isZeroSized(weight.typeId()) && types.isZeroSized(weight.additionalSignedTypeId()));
        SignedExtension nonce = md.signedExtensions().get(5);
        assertTrue(!types.isZeroSized(nonce.typeId()));
    }

    @Test
    void storageEntriesCarryHashersAndKeyTypes() {
        StorageEntry uids = md.storage("SubtensorModule", "Uids");
        assertEquals(List.of(StorageHasher.IDENTITY, StorageHasher.BLAKE2_128_CONCAT), uids.hashers());
        assertEquals(2, uids.keyTypes(md.types()).size());
        assertEquals(StorageEntry.Modifier.OPTIONAL, uids.modifier());
        StorageEntry reveal = md.storage("SubtensorModule", "RevealPeriodEpochs");
        assertEquals(List.of(StorageHasher.TWOX_64_CONCAT), reveal.hashers());
        StorageEntry version = md.storage("SubtensorModule", "CommitRevealWeightsVersion");
        assertTrue(version.isPlain());
        Object def = new ValueDecoder(md.types()).decode(version.valueTypeId(), version.defaultValue());
        assertEquals(4, def);
    }

    @Test
    void runtimeApisListNeuronAndMetadataMethods() {
        RuntimeApi.Method lite = md.runtimeApi("NeuronInfoRuntimeApi", "get_neurons_lite");
        assertEquals(1, lite.inputs().size());
        assertTrue(md.types().def(lite.outputTypeId()) instanceof TypeDef.Sequence);
        assertEquals(1, md.runtimeApi("Metadata", "metadata_at_version").inputs().size());
        assertThrows(MetadataException.class, () -> md.runtimeApi("NeuronInfoRuntimeApi", "nope"));
    }

    @Test
    void decodesConstantsWithTheRegistry() {
        ConstantMetadata ss58 = md.pallet("System").findConstant("SS58Prefix").orElseThrow();
        assertEquals(42, new ValueDecoder(md.types()).decode(ss58.typeId(), ss58.value()));
    }

    @Test
    void outerEnumsNameTheRuntimeCallAndEventTypes() {
        OuterEnums outer = md.outerEnums().orElseThrow();
        assertEquals("RuntimeCall", md.types().get(outer.callEnumTypeId()).name());
        assertEquals("RuntimeEvent", md.types().get(outer.eventEnumTypeId()).name());
    }
}
