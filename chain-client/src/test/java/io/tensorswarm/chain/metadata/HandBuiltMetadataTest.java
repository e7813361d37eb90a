package io.tensorswarm.chain.metadata;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.chain.calls.CallEncoder;
import io.tensorswarm.chain.hash.StorageHasher;
import io.tensorswarm.chain.scale.Hex;
import io.tensorswarm.chain.scale.ScaleWriter;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * V14 and V15 metadata (frame-metadata {@code v14.rs}, {@code v15.rs}; chain-spec §2.4): no real
 * blob is at hand, so these tests build a small one with {@link ScaleWriter} (one pallet with a
 * call, a storage map, a constant and an error) and decode it.
 */
class HandBuiltMetadataTest {
    private static final int U8 = 0;
    private static final int U16 = 1;
    private static final int VEC_U16 = 2;
    private static final int CALL = 3;
    private static final int ERROR = 4;
    private static final int UNIT = 5;

    static byte[] build(int version) {
        ScaleWriter w = new ScaleWriter();
        w.writeBytes("meta".getBytes()).writeU8(version);
        // registry
        w.writeCompact(6);
        type(w, U8, List.of()).writeU8(5).writeU8(3).writeCompact(0);
        type(w, U16, List.of()).writeU8(5).writeU8(4).writeCompact(0);
        type(w, VEC_U16, List.of()).writeU8(2).writeCompact(U16).writeCompact(0);
        type(w, CALL, List.of("demo", "Call")).writeU8(1).writeCompact(1);
        w.writeString("set_weights").writeCompact(2);
        field(w, "netuid", U16, "NetUid");
        field(w, "dests", VEC_U16, "Vec<u16>");
        w.writeU8(0).writeCompact(0);
        w.writeCompact(0);
        type(w, ERROR, List.of("demo", "Error")).writeU8(1).writeCompact(1);
        w.writeString("TooFast").writeCompact(0).writeU8(0).writeCompact(1).writeString("slow down");
        w.writeCompact(0);
        type(w, UNIT, List.of()).writeU8(4).writeCompact(0).writeCompact(0);
        // pallets
        w.writeCompact(1).writeString("Demo");
        w.writeU8(1).writeString("Demo").writeCompact(1);
        w.writeString("Tempo").writeU8(1).writeU8(1).writeCompact(1).writeU8(6).writeCompact(U16).writeCompact(U16)
                .writeByteVec(Hex.decode("6800")).writeCompact(0);
        w.writeU8(1).writeCompact(CALL); // calls
        w.writeU8(0); // no events
        w.writeCompact(1).writeString("Max").writeCompact(U16).writeByteVec(Hex.decode("0a00")).writeCompact(0);
        w.writeU8(1).writeCompact(ERROR);
        w.writeU8(9);
        if (version == 15) {
            w.writeCompact(1).writeString("A demo pallet.");
        }
        // extrinsic
        if (version == 14) {
            w.writeCompact(UNIT).writeU8(4);
        } else {
            w.writeU8(4).writeCompact(UNIT).writeCompact(CALL).writeCompact(UNIT).writeCompact(UNIT);
        }
        w.writeCompact(1).writeString("CheckNonce").writeCompact(UNIT).writeCompact(UNIT);
        w.writeCompact(UNIT); // runtime type
        if (version == 15) {
            w.writeCompact(1).writeString("DemoApi").writeCompact(1).writeString("get")
                    .writeCompact(1).writeString("netuid").writeCompact(U16)
                    .writeCompact(VEC_U16).writeCompact(0).writeCompact(0);
            w.writeCompact(CALL).writeCompact(CALL).writeCompact(ERROR);
            w.writeCompact(1).writeString("note").writeCompact(U8).writeByteVec(new byte[] {7});
        }
        return w.toByteArray();
    }

    private static ScaleWriter type(ScaleWriter w, int id, List<String> path) {
        w.writeCompact(id).writeVec(path, ScaleWriter::writeString);
        return w.writeCompact(0); // no type params
    }

    private static void field(ScaleWriter w, String name, int ty, String typeName) {
        w.writeU8(1).writeString(name).writeCompact(ty).writeU8(1).writeString(typeName).writeCompact(0);
    }

    @ParameterizedTest
    @ValueSource(ints = {14, 15})
    void decodesPalletCallStorageConstantAndError(int version) {
        RuntimeMetadata md = MetadataDecoder.decode(build(version));
        assertEquals(version, md.version());
        PalletMetadata demo = md.pallet("Demo");
        assertEquals(9, demo.index());
        CallInfo call = demo.call("set_weights");
        assertEquals(0, call.callIndex());
        assertEquals(List.of("netuid", "dests"), call.fields().stream().map(Field::name).toList());
        StorageEntry tempo = md.storage("Demo", "Tempo");
        assertEquals(List.of(StorageHasher.IDENTITY), tempo.hashers());
        assertEquals(StorageEntry.Modifier.DEFAULT, tempo.modifier());
        assertEquals(104, new ValueDecoder(md.types()).decode(tempo.valueTypeId(), tempo.defaultValue()));
        assertArrayEquals(Hex.decode("0a00"), demo.findConstant("Max").orElseThrow().value());
        ErrorInfo err = md.error(9, 0);
        assertEquals("TooFast", err.name());
        assertEquals(List.of("slow down"), err.docs());
        assertEquals(List.of("CheckNonce"), md.signedExtensions().stream().map(SignedExtension::identifier).toList());
        assertEquals("0900010008000001 00".replace(" ", ""),
                Hex.encode(CallEncoder.encode(md, "Demo", "set_weights", 1, new int[] {0, 1}).toBytes()));
    }

    @ParameterizedTest
    @ValueSource(ints = {14, 15})
    void v15AddsApisOuterEnumsAndDocs(int version) {
        RuntimeMetadata md = MetadataDecoder.decode(build(version));
        if (version == 14) {
            assertTrue(md.apis().isEmpty());
            assertTrue(md.outerEnums().isEmpty());
            assertThrows(MetadataException.class, () -> md.runtimeApi("DemoApi", "get"));
        } else {
            assertEquals(VEC_U16, md.runtimeApi("DemoApi", "get").outputTypeId());
            assertEquals(ERROR, md.outerEnums().orElseThrow().errorEnumTypeId());
            assertEquals(List.of("A demo pallet."), md.pallet("Demo").docs());
            assertEquals(CALL, md.extrinsic().callTypeId());
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {13, 17})
    void rejectsUnsupportedVersions(int version) {
        byte[] blob = build(14);
        blob[4] = (byte) version;
        assertThrows(MetadataException.class, () -> MetadataDecoder.decode(blob));
    }
}
