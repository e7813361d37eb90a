package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.fieldStartingWith;
import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.security.MessageDigest;
import org.junit.jupiter.api.Test;

/** substrate-bip39 mnemonics (chain-spec §6.1). */
class MnemonicTest {

    @Test
    void derivesEveryMnemonicVectorEndToEnd() {
        int checked = 0;
        for (JsonNode v : Sr25519Vectors.vectors("mnemonic_to_keys")) {
            Mnemonic m = Mnemonic.parse(v.get("phrase").asText());
            String password = v.get("password").asText();
            if (v.has("entropy")) {
                assertEquals(v.get("entropy").asText(), hex(m.entropy()));
            }
            if (v.has("pbkdf2_seed64")) {
                assertEquals(v.get("pbkdf2_seed64").asText(), hex(m.toSeed(password)));
            }
            byte[] mini = m.toMiniSecret(password);
            assertEquals(v.get("mini_secret").asText(), hex(mini));
            Sr25519KeyPair pair = Sr25519KeyPair.fromMiniSecret(mini);
            assertEquals(v.get("public_key").asText(), hex(pair.publicKey().toBytes()));
            assertEquals(v.get("ss58_42").asText(), pair.ss58Address());
            fieldStartingWith(v, "expanded_secret_schnorrkel_form")
                    .ifPresent(expected -> assertEquals(expected, hex(pair.secretKeyBytes())));
            fieldStartingWith(v, "expanded_secret_ed25519_form")
                    .ifPresent(expected -> assertEquals(expected, hex(pair.ed25519SecretBytes())));
            checked++;
        }
        assertEquals(6, checked);
    }

    @Test
    void emptyPassphraseIsTheBtcliConvention() {
        Mnemonic dev = Mnemonic.parse(SecretUri.DEV_PHRASE);
        assertEquals("46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a",
                hex(Sr25519KeyPair.fromMnemonic(dev).publicKey().toBytes()));
    }

    @Test
    void entropyRoundTripsThroughTheWordList() {
        byte[] entropy = hex("7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f7f");
        Mnemonic m = Mnemonic.fromEntropy(entropy);
        assertEquals("legal winner thank year wave sausage worth useful legal winner thank yellow", m.phrase());
        byte[] e24 = new byte[32];
        java.util.Arrays.fill(e24, (byte) 0xff);
        assertEquals("zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote",
                Mnemonic.fromEntropy(e24).phrase());
    }

    @Test
    void parsingNormalizesCaseAndWhitespace() {
        Mnemonic m = Mnemonic.parse("  Legal winner THANK year wave sausage worth useful legal winner thank\tyellow\n");
        assertEquals("legal winner thank year wave sausage worth useful legal winner thank yellow", m.phrase());
    }

    @Test
    void generatesValidMnemonicsOfEachLength() {
        for (int words : new int[] {12, 15, 18, 21, 24}) {
            Mnemonic m = Mnemonic.generate(words);
            assertEquals(words, m.wordCount());
            assertEquals(m, Mnemonic.parse(m.phrase()));
        }
        assertEquals(12, Mnemonic.generate().wordCount());
        assertNotEquals(Mnemonic.generate().phrase(), Mnemonic.generate().phrase());
        assertThrows(IllegalArgumentException.class, () -> Mnemonic.generate(13));
    }

    @Test
    void rejectsABadChecksum() {
        CryptoException e = assertThrows(CryptoException.class, () -> Mnemonic.parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon"));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void rejectsUnknownWordsByPositionWithoutEchoingThem() {
        CryptoException e = assertThrows(CryptoException.class, () -> Mnemonic.parse(
                "abandon abandon secretword abandon abandon abandon abandon abandon abandon abandon abandon about"));
        assertTrue(e.getMessage().contains("word 3"), e.getMessage());
        assertFalse(e.getMessage().contains("secretword"));
    }

    @Test
    void rejectsWrongWordCounts() {
        assertThrows(CryptoException.class, () -> Mnemonic.parse("abandon abandon about"));
        assertThrows(CryptoException.class, () -> Mnemonic.parse(""));
        assertThrows(CryptoException.class, () -> Mnemonic.parse(
                "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"));
    }

    @Test
    void toStringIsRedacted() {
        Mnemonic m = Mnemonic.parse(SecretUri.DEV_PHRASE);
        assertEquals("Mnemonic[12 words, redacted]", m.toString());
    }

    @Test
    void bundledWordListIsTheCanonicalBip39EnglishList() throws Exception {
        try (InputStream in = Bip39WordList.class.getResourceAsStream("bip39-english.txt")) {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(in.readAllBytes());
            assertEquals("2f5eed53a4727b4bf8880d8f3f199efc90e58503646d9ff8eff3a2ed3b24dbda", hex(digest));
        }
        assertEquals("abandon", Bip39WordList.word(0));
        assertEquals("zoo", Bip39WordList.word(2047));
        assertEquals(-1, Bip39WordList.indexOf("qwerty"));
    }
}
