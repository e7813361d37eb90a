package io.tensorswarm.chain.wallet;

import static io.tensorswarm.chain.crypto.Sr25519Vectors.hex;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.Mnemonic;
import io.tensorswarm.chain.crypto.SecretUri;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Sr25519Vectors;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** btcli wallets on disk (chain-spec §7). Only one test pays the full Argon2i cost. */
class WalletTest {
    private static final NaclKeyfileCipher CHEAP = NaclKeyfileCipher.withSettings(new Argon2Settings(1, 64, 1));
    private static final String DEV_ADDRESS = "5DfhGyQdFobKM8NsWvEeAKk5EQQgYe9AydgJ7rMB6E1EqRzV";

    @TempDir
    Path root;

    @Test
    void unlocksABtwalletNaclColdkeyEndToEnd() throws Exception {
        JsonNode v = Sr25519Vectors.group("wallet_keyfile_nacl");
        WalletPaths paths = new WalletPaths(root, "vector", "default");
        Files.createDirectories(paths.walletDir());
        Files.write(paths.coldkeyFile(), hex(v.get("file_bytes_hex").asText()));
        Files.writeString(paths.coldkeyPubFile(), "{\"ss58Address\":\"" + DEV_ADDRESS + "\"}");

        Wallet wallet = Wallet.load(root, "vector", "default");
        assertEquals(DEV_ADDRESS, wallet.coldkeyPub().toString());
        Sr25519KeyPair cold = wallet.unlockColdkey(PasswordSource.of(v.get("password_utf8").asText()));

        JsonNode plain = new ObjectMapper().readTree(v.get("plaintext_utf8").asText());
        assertEquals(plain.get("ss58Address").asText(), cold.ss58Address());
        assertEquals(plain.get("privateKey").asText(), "0x" + hex(cold.secretKeyBytes()));
        assertEquals(plain.get("secretSeed").asText(), "0x" + hex(cold.miniSecret().orElseThrow()));
    }

    @Test
    void createWritesTheBtcliLayoutWithPrivateModes() throws Exception {
        WalletPaths paths = new WalletPaths(root.resolve("wallets"), "miner", "hk1");
        Wallet.Created created = Wallet.create(paths, PasswordSource.of("pw"), CHEAP);

        assertTrue(Files.isRegularFile(root.resolve("wallets/miner/coldkey")));
        assertTrue(Files.isRegularFile(root.resolve("wallets/miner/coldkeypub.txt")));
        assertTrue(Files.isRegularFile(root.resolve("wallets/miner/hotkeys/hk1")));
        assertTrue(Files.isRegularFile(root.resolve("wallets/miner/hotkeys/hk1pub.txt")));
        for (Path f : new Path[] {paths.coldkeyFile(), paths.coldkeyPubFile(), paths.hotkeyFile(), paths.hotkeyPubFile()}) {
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)), f.toString());
        }
        for (Path d : new Path[] {paths.root(), paths.walletDir(), paths.hotkeysDir()}) {
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(d)), d.toString());
        }
        assertEquals(KeyfileFormat.NACL, KeyfileFormat.detect(Files.readAllBytes(paths.coldkeyFile())));
        try (var tmp = Files.list(paths.walletDir())) {
            assertFalse(tmp.anyMatch(p -> p.getFileName().toString().startsWith(".")), "no temp files left");
        }

        Sr25519KeyPair expectedCold = Sr25519KeyPair.fromMnemonic(created.coldkeyMnemonic());
        Sr25519KeyPair expectedHot = Sr25519KeyPair.fromMnemonic(created.hotkeyMnemonic());
        assertNotEquals(expectedCold.publicKey(), expectedHot.publicKey());

        Wallet wallet = Wallet.at(paths, CHEAP);
        assertEquals(expectedHot.publicKey(), wallet.hotkey().publicKey());
        assertEquals(expectedHot.ss58Address(), wallet.hotkeyPub().toString());
        assertEquals(expectedCold.ss58Address(), wallet.coldkeyPub().toString());
        assertEquals(expectedCold.publicKey(), wallet.unlockColdkey(PasswordSource.of("pw")).publicKey());
    }

    @Test
    void hotkeyFileCarriesTheBtwalletJsonFields() throws Exception {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Wallet.at(paths, CHEAP).regenHotkey(Mnemonic.parse(SecretUri.DEV_PHRASE));
        JsonNode json = new ObjectMapper().readTree(Files.readAllBytes(paths.hotkeyFile()));
        assertEquals("0x46ebddef8cd9bb167dc30878d7113b7e168e6f0646beffd77d69d39bad76b47a", json.get("accountId").asText());
        assertEquals(json.get("accountId"), json.get("publicKey"));
        assertEquals("0x05d65584630d16cd4af6d0bec10f34bb504a5dcb62dba2122d49f5a663763d0a"
                + "fd190cce74df356432b410bd64682309d6dedb27c76845daf388557cbac3ca34", json.get("privateKey").asText());
        assertEquals(SecretUri.DEV_PHRASE, json.get("secretPhrase").asText());
        assertEquals("0xfac7959dbfe72f052e5a0c3c8d6530f202b02fd8f9f5ca3580ec8deb7797479e", json.get("secretSeed").asText());
        assertEquals(DEV_ADDRESS, json.get("ss58Address").asText());
        JsonNode pub = new ObjectMapper().readTree(Files.readAllBytes(paths.hotkeyPubFile()));
        assertEquals(3, pub.size());
        assertFalse(pub.has("privateKey"));
    }

    @Test
    void createRefusesToOverwriteAnExistingWallet() {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Wallet.create(paths, PasswordSource.of("pw"), CHEAP);
        WalletException e = assertThrows(WalletException.class, () -> Wallet.create(paths, PasswordSource.of("pw"), CHEAP));
        assertTrue(e.getMessage().contains("already exists"), e.getMessage());
    }

    @Test
    void regenerationReplacesKeysFromMnemonics() {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Wallet.create(paths, PasswordSource.of("old"), CHEAP);
        Wallet wallet = Wallet.at(paths, CHEAP);
        Mnemonic dev = Mnemonic.parse(SecretUri.DEV_PHRASE);
        assertEquals(DEV_ADDRESS, wallet.regenColdkey(dev, PasswordSource.of("new")).ss58Address());
        assertEquals(DEV_ADDRESS, wallet.regenHotkey(dev).ss58Address());
        assertEquals(DEV_ADDRESS, wallet.coldkeyPub().toString());
        assertEquals(DEV_ADDRESS, wallet.unlockColdkey(PasswordSource.of("new")).ss58Address());
        assertThrows(KeyfileDecryptionException.class, () -> wallet.unlockColdkey(PasswordSource.of("old")));
        assertEquals(DEV_ADDRESS, wallet.hotkey().ss58Address());
    }

    @Test
    void wrongPasswordIsATypedErrorThatNamesTheFileButNotThePassword() {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Wallet.create(paths, PasswordSource.of("right-password"), CHEAP);
        KeyfileDecryptionException e = assertThrows(KeyfileDecryptionException.class,
                () -> Wallet.at(paths, CHEAP).unlockColdkey(PasswordSource.of("wrong-password")));
        assertTrue(e.getMessage().contains(paths.coldkeyFile().toString()), e.getMessage());
        assertFalse(e.getMessage().contains("password-"), e.getMessage());
    }

    @Test
    void refusesLegacyFormatsNamingTheFormatAndTheFix() throws Exception {
        String[][] cases = {
            {"$ANSIBLE_VAULT;1.1;AES256\n6162636465", "ANSIBLE_VAULT"},
            {"$BTWALLET;1.1;AES256\n6162636465", "BTWALLET_VAULT"},
            {"gAAAAABkq0xExampleFernetToken==", "FERNET"},
        };
        WalletPaths paths = new WalletPaths(root, "legacy", "default");
        Files.createDirectories(paths.walletDir());
        for (String[] c : cases) {
            Files.writeString(paths.coldkeyFile(), c[0]);
            Wallet wallet = Wallet.load(root, "legacy", "default");
            LegacyKeyfileFormatException e = assertThrows(LegacyKeyfileFormatException.class,
                    () -> wallet.unlockColdkey(purpose -> {
                        throw new AssertionError("no password may be asked for a legacy file");
                    }));
            assertEquals(KeyfileFormat.valueOf(c[1]), e.format());
            assertTrue(e.getMessage().contains("legacy"), e.getMessage());
            assertTrue(e.getMessage().contains("regen-coldkey"), e.getMessage());
        }
    }

    @Test
    void encryptedHotkeysNeedAPassword() throws Exception {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Sr25519KeyPair pair = Sr25519KeyPair.fromMnemonic(Mnemonic.parse(SecretUri.DEV_PHRASE));
        Files.createDirectories(paths.hotkeysDir());
        byte[] json = KeyfileData.full(pair, java.util.Optional.empty());
        Files.write(paths.hotkeyFile(), CHEAP.encrypt(json, "pw".toCharArray()));
        Wallet wallet = Wallet.at(paths, CHEAP);
        WalletException e = assertThrows(WalletException.class, wallet::hotkey);
        assertTrue(e.getMessage().contains("encrypted"), e.getMessage());
        assertEquals(pair.publicKey(), wallet.hotkey(PasswordSource.of("pw")).publicKey());
    }

    @Test
    void missingWalletsAndFilesAreNamedInTheError() {
        WalletException noWallet = assertThrows(WalletException.class, () -> Wallet.load(root, "nope", "default"));
        assertTrue(noWallet.getMessage().contains("'nope' not found"), noWallet.getMessage());
        Wallet wallet = Wallet.at(new WalletPaths(root, "empty", "hk"));
        WalletException noPub = assertThrows(WalletException.class, wallet::coldkeyPub);
        assertTrue(noPub.getMessage().contains("coldkeypub.txt does not exist"), noPub.getMessage());
        assertThrows(WalletException.class, wallet::hotkey);
    }

    @Test
    void keyFileJsonFollowsBtwalletPrecedenceAndChecksConsistency() {
        String seedRaw = "{\"secretSeed\":\"12345678901234567890123456789012\"}";
        assertEquals("5Egwjr3bfKhoPMQHxX3HzgJCHYo8bHNxdXiNHGLaXhjhuoqC",
                KeyfileData.readKeyPair(utf8(seedRaw), "f").ss58Address());
        String mini32 = "{\"privateKey\":\"0x9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60\"}";
        assertEquals("5DcjVUSFQsUSFDCMFNSFYRwBYgya7BEcoA47F5pkphi8NXnu",
                KeyfileData.readKeyPair(utf8(mini32), "f").ss58Address());
        String phraseWins = "{\"secretPhrase\":\"" + SecretUri.DEV_PHRASE + "\",\"secretSeed\":\"0x" + "00".repeat(32) + "\"}";
        assertEquals(DEV_ADDRESS, KeyfileData.readKeyPair(utf8(phraseWins), "f").ss58Address());

        String mismatch = "{\"secretPhrase\":\"" + SecretUri.DEV_PHRASE + "\",\"publicKey\":\"0x" + "11".repeat(32) + "\"}";
        WalletException e1 = assertThrows(WalletException.class, () -> KeyfileData.readKeyPair(utf8(mismatch), "f"));
        assertTrue(e1.getMessage().contains("does not match"), e1.getMessage());

        String publicOnly = "{\"ss58Address\":\"" + DEV_ADDRESS + "\"}";
        WalletException e2 = assertThrows(WalletException.class, () -> KeyfileData.readKeyPair(utf8(publicOnly), "f"));
        assertTrue(e2.getMessage().contains("no secret"), e2.getMessage());
        assertEquals(DEV_ADDRESS, KeyfileData.readAddress(utf8(publicOnly), "f").toString());

        String badJson = "{\"secretPhrase\":\"bottom drive obey";
        WalletException e3 = assertThrows(WalletException.class, () -> KeyfileData.readKeyPair(utf8(badJson), "f"));
        assertFalse(e3.getMessage().contains("bottom"), e3.getMessage());
        String badPhrase = "{\"secretPhrase\":\"zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo\"}";
        WalletException e4 = assertThrows(WalletException.class, () -> KeyfileData.readKeyPair(utf8(badPhrase), "f"));
        assertTrue(e4.getMessage().contains("checksum"), e4.getMessage());
    }

    @Test
    void passwordComesFromTheEnvironmentVariable() {
        PasswordSource env = PasswordSource.environment(Map.of("BT_COLDKEY_PASSWORD", "s3cret")::get);
        assertArrayEquals("s3cret".toCharArray(), env.password("coldkey"));
        PasswordSource unset = PasswordSource.environment(Map.<String, String>of()::get);
        WalletException e = assertThrows(WalletException.class, () -> unset.password("coldkey of wallet 'x'"));
        assertTrue(e.getMessage().contains("BT_COLDKEY_PASSWORD"), e.getMessage());
    }

    @Test
    void toStringNeverShowsSecrets() {
        WalletPaths paths = new WalletPaths(root, "w", "default");
        Wallet.Created created = Wallet.create(paths, PasswordSource.of("pw"), CHEAP);
        String text = created.toString();
        assertTrue(text.contains("redacted"), text);
        assertFalse(text.contains(created.coldkeyMnemonic().phrase()), text);
        assertFalse(text.contains(created.hotkeyMnemonic().phrase()), text);
        Sr25519KeyPair hot = created.wallet().hotkey();
        String secretHex = hex(hot.secretKeyBytes());
        for (String s : new String[] {hot.toString(), created.wallet().toString(), paths.toString()}) {
            assertFalse(s.contains(secretHex.substring(0, 16)), s);
            assertFalse(s.contains(created.hotkeyMnemonic().phrase()), s);
        }
    }

    @Test
    void rejectsPathLikeWalletNames() {
        assertThrows(IllegalArgumentException.class, () -> new WalletPaths(root, "../x", "default"));
        assertThrows(IllegalArgumentException.class, () -> new WalletPaths(root, "w", ".."));
        assertThrows(IllegalArgumentException.class, () -> new WalletPaths(root, "", "default"));
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
