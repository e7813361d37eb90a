package io.tensorswarm.chain.crypto;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** SS58 addresses (chain-spec §6.6) against the polkadot-js vectors. */
class Ss58AddressTest {

    @Test
    void encodesAndDecodesEveryVector() {
        int checked = 0;
        for (JsonNode v : Sr25519Vectors.vectors("ss58")) {
            byte[] key = hex(v.get("public_key").asText());
            int format = v.get("format").asInt();
            String address = v.get("address").asText();
            assertEquals(address, Ss58Address.encode(key, format));
            Ss58Address decoded = Ss58Address.decode(address);
            assertEquals(format, decoded.format());
            assertArrayEquals(key, decoded.publicKey());
            checked++;
        }
        assertEquals(4, checked);
    }

    @Test
    void bittensorAddressesStartWithFive() {
        assertTrue(Ss58Address.encode(new byte[32], Ss58Address.BITTENSOR_FORMAT).startsWith("5"));
        assertEquals("0x" + "00".repeat(32), Ss58Address.decode(Ss58Address.encode(new byte[32], 42)).publicKeyHex());
    }

    @Test
    void rejectsABadChecksum() {
        String alice = "5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKutQY";
        String tampered = alice.substring(0, alice.length() - 1) + "Z";
        CryptoException e = assertThrows(CryptoException.class, () -> Ss58Address.decode(tampered));
        assertTrue(e.getMessage().contains("checksum"), e.getMessage());
    }

    @Test
    void rejectsWrongLengthsAndCharacters() {
        CryptoException shortOne = assertThrows(CryptoException.class,
                () -> Ss58Address.decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut"));
        assertTrue(shortOne.getMessage().contains("expected 35"), shortOne.getMessage());
        CryptoException badChar = assertThrows(CryptoException.class,
                () -> Ss58Address.decode("5GrwvaEF5zXb26Fz9rcQpDWS57CtERHpNehXCPcNoHGKut0Y"));
        assertTrue(badChar.getMessage().contains("'0'"), badChar.getMessage());
        assertThrows(CryptoException.class, () -> Ss58Address.decode(""));
    }

    @Test
    void rejectsAnotherNetworkWhenAFormatIsRequired() {
        CryptoException e = assertThrows(CryptoException.class,
                () -> Ss58Address.decode("EK1bFgKm2FsghcttHT7TB7rNyXApFgs9fCbijMGQNyFGBQm", 42));
        assertTrue(e.getMessage().contains("format 2"), e.getMessage());
    }

    @Test
    void rejectsOutOfRangeInputsAsProgrammerErrors() {
        assertThrows(IllegalArgumentException.class, () -> Ss58Address.encode(new byte[31], 42));
        assertThrows(IllegalArgumentException.class, () -> Ss58Address.encode(new byte[32], 16384));
    }
}
