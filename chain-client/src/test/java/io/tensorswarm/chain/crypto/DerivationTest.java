package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Hard and soft derivation and secret URIs (chain-spec §6.7). */
class DerivationTest {

    @Test
    void derivesTheUpstreamHardAndSoftVectors() {
        for (JsonNode v : Sr25519Vectors.vectors("derivation")) {
            SecretUri uri = SecretUri.parse(v.get("uri").asText());
            assertEquals(1, uri.path().size());
            assertEquals(v.get("junction_chain_code").asText(), hex(uri.path().get(0).chainCode()));
            Sr25519KeyPair pair = uri.toKeyPair();
            assertEquals(v.get("public_key").asText(), hex(pair.publicKey().toBytes()));
            assertEquals(v.get("ss58_42").asText(), pair.ss58Address());
            if (v.has("derived_mini_secret")) {
                assertEquals(v.get("derived_mini_secret").asText(), hex(pair.miniSecret().orElseThrow()));
            }
        }
    }

    @Test
    void bareJunctionsDeriveFromTheDevPhrase() {
        assertEquals("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY", Sr25519KeyPair.fromUri("//Alice").ss58Address());
        assertEquals("5FHneW46xGXgs5mUiveU4sbTyGBzmstUspZC92UhjJM694ty", Sr25519KeyPair.fromUri("//Bob").ss58Address());
    }

    @Test
    void softDerivationIsLinearInThePublicKey() {
        Sr25519KeyPair root = Sr25519KeyPair.fromMnemonic(Mnemonic.parse(SecretUri.DEV_PHRASE));
        Sr25519KeyPair child = root.derive(DeriveJunction.soft("Alice"));
        // The soft child's nonce is random, but its key is fixed and it signs verifiably.
        assertEquals(child.publicKey(), root.derive(DeriveJunction.soft("Alice")).publicKey());
        byte[] msg = "m".getBytes(StandardCharsets.UTF_8);
        assertTrue(child.publicKey().verify(msg, child.sign(msg)));
        assertTrue(child.miniSecret().isEmpty());
    }

    @Test
    void chainCodesFollowSpCoreEncoding() {
        assertEquals("14416c6963650000000000000000000000000000000000000000000000000000",
                hex(DeriveJunction.chainCodeOf("Alice")));
        // Numbers are u64 little-endian.
        assertEquals("2a00000000000000000000000000000000000000000000000000000000000000",
                hex(DeriveJunction.chainCodeOf("42")));
        assertEquals("ffffffffffffffff000000000000000000000000000000000000000000000000",
                hex(DeriveJunction.chainCodeOf("18446744073709551615")));
        // Beyond u64 it is a string again: compact(20 chars) = 0x50.
        assertEquals("50", hex(DeriveJunction.chainCodeOf("18446744073709551616")).substring(0, 2));
        // Longer than 32 bytes once encoded: blake2b-256 of the encoding.
        String longName = "a".repeat(40);
        byte[] encoded = new byte[41];
        encoded[0] = (byte) 0xa0; // compact(40), single-byte mode: 40 << 2
        System.arraycopy(longName.getBytes(StandardCharsets.UTF_8), 0, encoded, 1, 40);
        assertArrayEquals(Blake2b.hash(256, encoded), DeriveJunction.chainCodeOf(longName));
        // 31 ASCII chars encode to exactly 32 bytes: padded, not hashed.
        assertEquals("7c", hex(DeriveJunction.chainCodeOf("b".repeat(31))).substring(0, 2));
    }

    @Test
    void parsesMixedPathsAndPassphrase() {
        SecretUri uri = SecretUri.parse(SecretUri.DEV_PHRASE + "//polkadot/0//x///pw");
        List<DeriveJunction> path = uri.path();
        assertEquals(3, path.size());
        assertTrue(path.get(0).isHard());
        assertFalse(path.get(1).isHard());
        assertTrue(path.get(2).isHard());
        assertEquals(DeriveJunction.soft("0"), path.get(1));
        assertEquals("pw", uri.passphrase().orElseThrow());
        assertEquals(SecretUri.DEV_PHRASE, uri.phrase());
        assertEquals("SecretUri[phrase redacted, 3 junctions, passphrase redacted]", uri.toString());
        // A passphrase changes the root key.
        assertNotEquals(Sr25519KeyPair.fromUri("///pw").publicKey(), Sr25519KeyPair.fromUri("").publicKey());
    }

    @Test
    void hexSeedUrisUseTheSeedAsMiniSecret() {
        Sr25519KeyPair pair = Sr25519KeyPair.fromUri(
                "0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        assertEquals("5DcjVUSFQsUSFDCMFNSFYRwBYgya7BEcoA47F5pkphi8NXnu", pair.ss58Address());
        assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromUri("0xzz"));
        assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromUri("0x0102"));
    }

    @Test
    void rejectsEmptyJunctionsWithoutEchoingThePhrase() {
        CryptoException e = assertThrows(CryptoException.class,
                () -> SecretUri.parse(SecretUri.DEV_PHRASE + "//Alice/"));
        assertFalse(e.getMessage().contains("bottom"));
    }
}
