package io.tensorswarm.chain.wallet;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.crypto.Sr25519Vectors;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The btwallet {@code $NACL} key-file format (chain-spec §7.3), against the PyNaCl/libsodium vector. */
class NaclKeyfileCipherTest {
    private static final JsonNode V = Sr25519Vectors.group("wallet_keyfile_nacl");
    private static final byte[] FILE = hex(V.get("file_bytes_hex").asText());
    private static final byte[] KEY = hex(V.get("derived_key_hex").asText());
    private static final String PLAINTEXT = V.get("plaintext_utf8").asText();

    @Test
    void vectorUsesTheStandardSaltAndArgon2Costs() {
        assertEquals(V.get("salt_hex").asText(), hex(NaclKeyfileCipher.SALT));
        JsonNode a = V.get("argon2i");
        assertEquals(new Argon2Settings(a.get("opslimit_t").asInt(), a.get("memory_kib").asInt(),
                a.get("parallelism").asInt()), Argon2Settings.SENSITIVE);
        assertEquals(a.get("memlimit_bytes").asLong(), Argon2Settings.SENSITIVE.memoryKib() * 1024L);
    }

    @Test
    void opensTheVectorFileWithItsDerivedKey() {
        byte[] plain = NaclKeyfileCipher.decryptWithKey(FILE, KEY, "vector");
        assertEquals(PLAINTEXT, new String(plain, StandardCharsets.UTF_8));
    }

    @Test
    void sealsTheVectorPlaintextToTheExactFileBytes() {
        byte[] nonce = hex(V.get("nonce_hex").asText());
        byte[] file = NaclKeyfileCipher.encryptWithKey(PLAINTEXT.getBytes(StandardCharsets.UTF_8), KEY, nonce);
        assertArrayEquals(FILE, file);
    }

    @Test
    void wrongKeyFailsAuthenticationWithoutEchoingSecrets() {
        byte[] wrong = KEY.clone();
        wrong[0] ^= 1;
        KeyfileDecryptionException e = assertThrows(KeyfileDecryptionException.class,
                () -> NaclKeyfileCipher.decryptWithKey(FILE, wrong, "coldkey"));
        assertTrue(e.getMessage().contains("wrong password"), e.getMessage());
        assertFalse(e.getMessage().contains(hex(KEY).substring(0, 8)));
    }

    @Test
    void tamperedCiphertextAndTagAreRejected() {
        byte[] tamperedBody = FILE.clone();
        tamperedBody[FILE.length - 1] ^= 1;
        assertThrows(KeyfileDecryptionException.class, () -> NaclKeyfileCipher.decryptWithKey(tamperedBody, KEY, "f"));
        byte[] tamperedTag = FILE.clone();
        tamperedTag[5 + 24] ^= 1;
        assertThrows(KeyfileDecryptionException.class, () -> NaclKeyfileCipher.decryptWithKey(tamperedTag, KEY, "f"));
    }

    @Test
    void truncatedOrForeignDataIsNotANaclFile() {
        WalletException truncated = assertThrows(WalletException.class,
                () -> NaclKeyfileCipher.decryptWithKey(Arrays.copyOf(FILE, 40), KEY, "cold"));
        assertTrue(truncated.getMessage().contains("truncated"), truncated.getMessage());
        assertThrows(WalletException.class,
                () -> NaclKeyfileCipher.decryptWithKey("{}".getBytes(StandardCharsets.UTF_8), KEY, "cold"));
    }

    @Test
    void cheapSettingsRoundTripWithARandomNonce() {
        NaclKeyfileCipher cheap = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
        byte[] data = "{\"a\":1}".getBytes(StandardCharsets.UTF_8);
        byte[] first = cheap.encrypt(data, "pw".toCharArray());
        byte[] second = cheap.encrypt(data, "pw".toCharArray());
        assertFalse(Arrays.equals(first, second), "nonce must be random");
        assertEquals(KeyfileFormat.NACL, KeyfileFormat.detect(first));
        assertArrayEquals(data, cheap.decrypt(first, "pw".toCharArray(), "f"));
        assertThrows(KeyfileDecryptionException.class, () -> cheap.decrypt(first, "pW".toCharArray(), "f"));
    }

    @Test
    void detectsEachFileFormatByItsPrefix() {
        assertEquals(KeyfileFormat.NACL, KeyfileFormat.detect(FILE));
        assertEquals(KeyfileFormat.ANSIBLE_VAULT, KeyfileFormat.detect(ascii("$ANSIBLE_VAULT;1.1;AES256\n3532")));
        assertEquals(KeyfileFormat.BTWALLET_VAULT, KeyfileFormat.detect(ascii("$BTWALLET;1.1;AES256\n")));
        assertEquals(KeyfileFormat.FERNET, KeyfileFormat.detect(ascii("gAAAAABkq0x")));
        assertEquals(KeyfileFormat.PLAINTEXT_JSON, KeyfileFormat.detect(ascii("  {\"accountId\":\"0x\"}")));
        assertEquals(KeyfileFormat.UNKNOWN, KeyfileFormat.detect(ascii("hello")));
        assertEquals(KeyfileFormat.UNKNOWN, KeyfileFormat.detect(new byte[0]));
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}
