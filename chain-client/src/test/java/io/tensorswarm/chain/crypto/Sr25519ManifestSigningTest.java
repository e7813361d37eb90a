package io.tensorswarm.chain.crypto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.tensorswarm.common.protocol.DeltaManifest;
import io.tensorswarm.common.protocol.ManifestException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** Delta manifests signed with a real sr25519 hotkey verify, and only for that hotkey and content. */
class Sr25519ManifestSigningTest {
    private static final Sr25519KeyPair ALICE = Sr25519KeyPair.fromUri("//Alice");
    private static final Sr25519KeyPair BOB = Sr25519KeyPair.fromUri("//Bob");

    private static DeltaManifest unsigned(String hotkey) {
        return DeltaManifest.unsigned(hotkey, 3, 12, "ab".repeat(32), "fp32", "cd".repeat(32), 1234, 10, 777);
    }

    @Test
    void aManifestSignedByItsHotkeyVerifies() {
        DeltaManifest signed = unsigned(ALICE.ss58Address()).sign(new Sr25519ManifestSigner(ALICE));
        signed.verify(new Sr25519SignatureVerifier());
        DeltaManifest reparsed = DeltaManifest.parse(signed.toJson());
        reparsed.verify(new Sr25519SignatureVerifier());
        assertEquals(signed, reparsed);
    }

    @Test
    void aSignatureByAnotherKeyOrOverOtherContentIsRejected() {
        DeltaManifest claimsAlice = unsigned(ALICE.ss58Address());
        byte[] bobSignature = BOB.sign(claimsAlice.canonicalBytes());
        Sr25519SignatureVerifier verifier = new Sr25519SignatureVerifier();
        assertFalse(verifier.verify(ALICE.ss58Address(), claimsAlice.canonicalBytes(), bobSignature));
        byte[] aliceSignature = ALICE.sign(claimsAlice.canonicalBytes());
        assertTrue(verifier.verify(ALICE.ss58Address(), claimsAlice.canonicalBytes(), aliceSignature));
        byte[] other = unsigned(ALICE.ss58Address()).canonicalBytes().clone();
        other[other.length - 2] ^= 1;
        assertFalse(verifier.verify(ALICE.ss58Address(), other, aliceSignature));
        assertFalse(verifier.verify("not-an-address", other, aliceSignature));
        assertFalse(verifier.verify(ALICE.ss58Address(), other, new byte[3]));
    }

    @Test
    void aManifestCarryingAnotherKeysSignatureIsRejected() {
        DeltaManifest claimsAlice = unsigned(ALICE.ss58Address());
        String json = new String(claimsAlice.sign(new Sr25519ManifestSigner(ALICE)).toJson(), StandardCharsets.UTF_8);
        String aliceHex = HexFormat.of().formatHex(claimsAlice.sign(new Sr25519ManifestSigner(ALICE)).signatureBytes());
        String signedJson = json.replaceAll("0x[0-9a-f]{128}", "0x" + HexFormat.of().formatHex(BOB.sign(claimsAlice.canonicalBytes())));
        DeltaManifest forged = DeltaManifest.parse(signedJson.getBytes(StandardCharsets.UTF_8));
        assertThrows(ManifestException.class, () -> forged.verify(new Sr25519SignatureVerifier()));
        assertEquals(128, aliceHex.length());
        assertThrows(IllegalArgumentException.class, () -> claimsAlice.sign(new Sr25519ManifestSigner(BOB)));
    }
}
