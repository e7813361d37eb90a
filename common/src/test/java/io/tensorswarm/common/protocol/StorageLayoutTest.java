package io.tensorswarm.common.protocol;

import static io.tensorswarm.common.protocol.DeltaManifestTest.ALICE;
import static io.tensorswarm.common.protocol.DeltaManifestTest.BASE;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link StorageLayout} keys and {@link LatestPointer}, with untrusted components refused. */
class StorageLayoutTest {
    @Test
    void buildsTheDocumentedKeys() {
        assertEquals("rounds/12/" + ALICE + "/delta.safetensors", StorageLayout.deltaKey(12, ALICE));
        assertEquals("rounds/0/" + ALICE + "/manifest.json", StorageLayout.manifestKey(0, ALICE));
        assertEquals("rounds/7/", StorageLayout.roundPrefix(7));
        assertEquals("models/" + BASE + "/model.safetensors", StorageLayout.modelKey(BASE));
        assertEquals("models/" + BASE + "/config.json", StorageLayout.modelConfigKey(BASE));
        assertEquals("models/" + BASE + "/tokenizer.json", StorageLayout.modelTokenizerKey(BASE));
        assertEquals("latest", StorageLayout.LATEST);
    }

    @ParameterizedTest
    @ValueSource(strings = {"..", "../../etc", "5Grwva/../../x", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut\n",
        "", "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQYZ", "0GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY"})
    void refusesHotkeysThatAreNotSs58Shaped(String hotkey) {
        assertThrows(ProtocolException.class, () -> StorageLayout.deltaKey(1, hotkey));
    }

    @Test
    void refusesRevisionsThatAreNotLowercaseSha256HexAndNegativeRounds() {
        assertThrows(ProtocolException.class, () -> StorageLayout.modelKey(BASE.toUpperCase()));
        assertThrows(ProtocolException.class, () -> StorageLayout.modelKey(BASE.substring(1) + "/"));
        assertThrows(ProtocolException.class, () -> StorageLayout.modelKey(null));
        assertThrows(IllegalArgumentException.class, () -> StorageLayout.deltaKey(-1, ALICE));
    }

    @Test
    void latestPointerRoundTripsItsCanonicalJson() {
        LatestPointer p = new LatestPointer(BASE, 42);
        assertEquals("{\"revision\":\"" + BASE + "\",\"round\":42}", new String(p.toJson(), StandardCharsets.UTF_8));
        assertEquals(p, LatestPointer.parse(p.toJson()));
        assertEquals(p, LatestPointer.parse(("{ \"round\": 42, \"revision\": \"" + BASE + "\" }").getBytes(StandardCharsets.UTF_8)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"revision\":\"abc\",\"round\":1}", "{\"round\":1}", "{\"revision\":\"%s\",\"round\":1,\"x\":0}",
        "{\"revision\":\"%s\",\"round\":-1}", "{\"revision\":\"%s\",\"round\":\"1\"}", "not json", "{\"revision\":\"%s\",\"round\":1,\"round\":2}"})
    void latestPointerRefusesBadDocuments(String doc) {
        byte[] bytes = doc.replace("%s", BASE).getBytes(StandardCharsets.UTF_8);
        assertThrows(ProtocolException.class, () -> LatestPointer.parse(bytes));
    }

    @Test
    void latestPointerRefusesOversizedDocuments() {
        assertThrows(ProtocolException.class, () -> LatestPointer.parse(new byte[LatestPointer.MAX_BYTES + 1]));
    }
}
