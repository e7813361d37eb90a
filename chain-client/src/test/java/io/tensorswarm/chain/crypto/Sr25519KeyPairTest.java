package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.fieldStartingWith;
import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** sr25519 key expansion (chain-spec §6.2), signing and verification (§6.5). */
class Sr25519KeyPairTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void expandsKnownMiniSecretsToTheirPublicKeys() {
        for (JsonNode v : Sr25519Vectors.vectors("seed_to_public")) {
            Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(hex(v.get("mini_secret").asText()));
            assertEquals(v.get("public_key").asText(), hex(pair.publicKey().toBytes()));
            assertEquals(v.get("ss58_42").asText(), pair.ss58Address());
            assertEquals(v.get("expanded_secret_schnorrkel_form").asText(), hex(pair.secretKeyBytes()));
        }
    }

    @Test
    void convertsBetweenSchnorrkelAndEd25519SecretForms() {
        JsonNode v = Sr25519Vectors.group("secret_key_forms");
        String ed = v.get("ed25519_form_secret").asText();
        String canonical = fieldStartingWith(v, "canonical_form_secret").orElseThrow();
        String pub = v.get("public_key").asText();

        Sr25519KeyPair fromEd = Sr25519KeyPair.fromEd25519SecretBytes(hex(ed));
        assertEquals(pub, hex(fromEd.publicKey().toBytes()));
        assertEquals(canonical, hex(fromEd.secretKeyBytes()));

        Sr25519KeyPair fromCanonical = Sr25519KeyPair.fromSecretKeyBytes(hex(canonical));
        assertEquals(pub, hex(fromCanonical.publicKey().toBytes()));
        assertEquals(ed, hex(fromCanonical.ed25519SecretBytes()));
        assertTrue(fromCanonical.miniSecret().isEmpty());
    }

    @Test
    void rejectsTheEd25519FormWhereACanonicalSecretIsRequired() {
        byte[] ed = hex(Sr25519Vectors.group("secret_key_forms").get("ed25519_form_secret").asText());
        CryptoException e = assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromSecretKeyBytes(ed));
        assertTrue(e.getMessage().contains("not canonical"), e.getMessage());
        assertFalse(e.getMessage().contains(hex(ed).substring(0, 16)), "message must not echo the secret");
    }

    @Test
    void rejectsWrongSecretLengths() {
        assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromMiniSecret(new byte[31]));
        assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromSecretKeyBytes(new byte[32]));
        assertThrows(CryptoException.class, () -> Sr25519KeyPair.fromEd25519SecretBytes(new byte[65]));
    }

    @Test
    void verifiesEverySignatureVectorAsExpected() {
        JsonNode group = Sr25519Vectors.group("sr25519_signatures");
        assertEquals("substrate", group.get("context").asText());
        int checked = 0;
        for (JsonNode v : group.get("vectors")) {
            Sr25519PublicKey key = Sr25519PublicKey.fromBytes(hex(v.get("public_key").asText()));
            boolean ok = key.verify(utf8(v.get("message_utf8").asText()), hex(v.get("signature").asText()));
            assertEquals(v.get("valid").asBoolean(), ok, v.get("source").asText());
            if (v.has("address")) {
                Ss58Address a = Ss58Address.decode(v.get("address").asText());
                assertArrayEquals(key.toBytes(), a.publicKey());
            }
            checked++;
        }
        assertEquals(6, checked);
    }

    @Test
    void wrappedBytesSignatureVerifiesOnlyThroughTheWrappingFallback() {
        JsonNode v = Sr25519Vectors.vectors("sr25519_signatures").get(1);
        Sr25519PublicKey key = Sr25519PublicKey.fromSs58(v.get("address").asText());
        byte[] sig = hex(v.get("signature").asText());
        assertFalse(key.verify(utf8("hello world"), sig));
        assertTrue(key.verifyPlainOrWrapped(utf8("hello world"), sig));
        assertFalse(key.verifyPlainOrWrapped(utf8("hello world!"), sig));
    }

    @Test
    void reproducesTheCrossImplementationSignatureWithFixedWitnessRandomness() {
        JsonNode v = Sr25519Vectors.vectors("sr25519_signatures").get(3);
        Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(utf8(v.get("mini_secret_utf8").asText()));
        byte[] sig = pair.sign(utf8(v.get("message_utf8").asText()), hex(v.get("witness_rng32_hex").asText()));
        assertEquals(v.get("signature").asText(), hex(sig));
    }

    @Test
    void signaturesRoundTripAndAreRandomized() {
        Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(utf8("12345678901234567890123456789012"));
        byte[] msg = utf8("Something important");
        byte[] a = pair.sign(msg);
        byte[] b = pair.sign(msg);
        assertEquals(64, a.length);
        assertTrue((a[63] & 0x80) != 0, "marker bit");
        assertFalse(Arrays.equals(a, b));
        assertTrue(pair.verify(msg, a));
        assertTrue(pair.publicKey().verify(msg, b));
        assertFalse(pair.verify(utf8("Something unimportant"), a));
        Sr25519KeyPair other = Sr25519KeyPair.fromMiniSecret(new byte[32]);
        assertFalse(other.verify(msg, a));
        assertTrue(pair.verify(new byte[0], pair.sign(new byte[0])));
    }

    @Test
    void rejectsMalformedSignatures() {
        Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(new byte[32]);
        byte[] msg = utf8("msg");
        byte[] sig = pair.sign(msg);

        byte[] noMarker = sig.clone();
        noMarker[63] &= 0x7F;
        assertFalse(pair.verify(msg, noMarker));

        byte[] flippedR = sig.clone();
        flippedR[0] ^= 1;
        assertFalse(pair.verify(msg, flippedR));

        assertFalse(pair.verify(msg, Arrays.copyOf(sig, 63)));
        assertFalse(pair.verify(msg, Arrays.copyOf(sig, 65)));

        // σ replaced by ℓ (the group order): the same scalar as 0, but not canonical.
        byte[] nonCanonical = sig.clone();
        byte[] order = hex("edd3f55c1a631258d69cf7a2def9de1400000000000000000000000000000010");
        System.arraycopy(order, 0, nonCanonical, 32, 32);
        nonCanonical[63] |= (byte) 0x80;
        assertFalse(pair.verify(msg, nonCanonical));
    }

    @Test
    void rejectsNonCanonicalPublicKeys() {
        // s ≥ p (p = 2^255 - 19): not a canonical field element.
        byte[] aboveP = hex("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f");
        assertThrows(CryptoException.class, () -> Sr25519PublicKey.fromBytes(aboveP));
        // s = 1 is odd, i.e. "negative": rejected by Ristretto decoding.
        byte[] negative = new byte[32];
        negative[0] = 1;
        assertThrows(CryptoException.class, () -> Sr25519PublicKey.fromBytes(negative));
        // High bit set.
        byte[] highBit = new byte[32];
        highBit[31] = (byte) 0x80;
        assertThrows(CryptoException.class, () -> Sr25519PublicKey.fromBytes(highBit));
        assertThrows(CryptoException.class, () -> Sr25519PublicKey.fromBytes(new byte[31]));
        // Identity (all zero) is a valid encoding.
        assertEquals(32, Sr25519PublicKey.fromBytes(new byte[32]).toBytes().length);
    }

    @Test
    void toStringShowsOnlyTheAddress() {
        byte[] mini = hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
        Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(mini);
        String text = pair.toString();
        assertEquals("Sr25519KeyPair[5DcjVUSFQsUSFDCMFNSFYRwBYgya7BEcoA47F5pkphi8NXnu]", text);
        assertFalse(text.contains("9d61b1"));
        assertEquals("5DcjVUSFQsUSFDCMFNSFYRwBYgya7BEcoA47F5pkphi8NXnu", pair.publicKey().toString());
    }
}
