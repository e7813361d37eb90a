package io.tensorswarm.chain.wallet;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.Mnemonic;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Ss58Address;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The JSON inside btcli key files (chain-spec §7.2): {@code accountId}, {@code publicKey},
 * {@code privateKey} (schnorrkel {@code scalar ‖ nonce}), {@code secretPhrase}, {@code secretSeed}
 * and {@code ss58Address}, all hex with {@code 0x}. Reading follows btwallet's precedence:
 * phrase, then seed, then private key.
 */
final class KeyfileData {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HexFormat HEX = HexFormat.of();

    private KeyfileData() {}

    /** Returns the full key-file JSON of {@code pair}; the phrase is included when given. */
    static byte[] full(Sr25519KeyPair pair, Optional<Mnemonic> mnemonic) {
        Map<String, String> map = publicFields(pair);
        map.put("privateKey", hex(pair.secretKeyBytes()));
        mnemonic.ifPresent(m -> map.put("secretPhrase", m.phrase()));
        pair.miniSecret().ifPresent(seed -> map.put("secretSeed", hex(seed)));
        map.put("ss58Address", pair.ss58Address());
        return write(map);
    }

    /** Returns the public-only JSON ({@code accountId}, {@code publicKey}, {@code ss58Address}). */
    static byte[] publicOnly(Sr25519KeyPair pair) {
        Map<String, String> map = publicFields(pair);
        map.put("ss58Address", pair.ss58Address());
        return write(map);
    }

    /**
     * Reads the key pair from full key-file JSON.
     *
     * @throws WalletException if the JSON is malformed, holds no secret, or its stored public
     *     key disagrees with the secret
     */
    static Sr25519KeyPair readKeyPair(byte[] json, String file) {
        JsonNode node = parse(json, file);
        Sr25519KeyPair pair;
        try {
            if (hasText(node, "secretPhrase")) {
                pair = Sr25519KeyPair.fromMnemonic(Mnemonic.parse(node.get("secretPhrase").asText()));
            } else if (hasText(node, "secretSeed")) {
                pair = Sr25519KeyPair.fromMiniSecret(seedBytes(node.get("secretSeed").asText(), file));
            } else if (hasText(node, "privateKey")) {
                byte[] secret = unhex(node.get("privateKey").asText(), "privateKey", file);
                pair = switch (secret.length) {
                    case Sr25519KeyPair.MINI_SECRET_LENGTH -> Sr25519KeyPair.fromMiniSecret(secret);
                    case Sr25519KeyPair.SECRET_KEY_LENGTH -> Sr25519KeyPair.fromSecretKeyBytes(secret);
                    default -> throw new WalletException("Key file " + file + " has a privateKey of "
                            + secret.length + " bytes, expected 32 or 64");
                };
            } else {
                throw new WalletException("Key file " + file + " holds no secret (public-only key file?)");
            }
        } catch (CryptoException e) {
            throw new WalletException("Key file " + file + " holds an invalid key: " + e.getMessage(), e);
        }
        if (hasText(node, "publicKey")) {
            byte[] stored = unhex(node.get("publicKey").asText(), "publicKey", file);
            if (!java.util.Arrays.equals(stored, pair.publicKey().toBytes())) {
                throw new WalletException("Key file " + file + ": publicKey does not match its secret");
            }
        }
        return pair;
    }

    /** Reads the address from public-only (or full) key-file JSON: {@code ss58Address}, else {@code publicKey}. */
    static Ss58Address readAddress(byte[] json, String file) {
        JsonNode node = parse(json, file);
        try {
            if (hasText(node, "ss58Address")) {
                return Ss58Address.decode(node.get("ss58Address").asText());
            }
            String key = hasText(node, "publicKey") ? "publicKey" : "accountId";
            if (hasText(node, key)) {
                return Ss58Address.of(unhex(node.get(key).asText(), key, file), Ss58Address.BITTENSOR_FORMAT);
            }
        } catch (CryptoException | IllegalArgumentException e) {
            throw new WalletException("Key file " + file + " holds an invalid address: " + e.getMessage(), e);
        }
        throw new WalletException("Key file " + file + " has neither ss58Address nor publicKey");
    }

    private static Map<String, String> publicFields(Sr25519KeyPair pair) {
        Map<String, String> map = new LinkedHashMap<>();
        String pub = pair.publicKey().toHex();
        map.put("accountId", pub);
        map.put("publicKey", pub);
        return map;
    }

    /** btwallet writes the seed as 0x-hex, or as the raw bytes when they happen to be UTF-8. */
    private static byte[] seedBytes(String text, String file) {
        if (text.startsWith("0x") && text.length() == 66) {
            return unhex(text, "secretSeed", file);
        }
        byte[] raw = text.getBytes(StandardCharsets.UTF_8);
        if (raw.length == Sr25519KeyPair.MINI_SECRET_LENGTH) {
            return raw;
        }
        throw new WalletException("Key file " + file + " has a secretSeed that is neither 32 bytes of hex nor raw");
    }

    private static byte[] unhex(String text, String field, String file) {
        try {
            return HEX.parseHex(text.startsWith("0x") ? text.substring(2) : text);
        } catch (IllegalArgumentException e) {
            throw new WalletException("Key file " + file + " has a " + field + " that is not hex");
        }
    }

    private static String hex(byte[] bytes) {
        return "0x" + HEX.formatHex(bytes);
    }

    private static boolean hasText(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isTextual() && !v.asText().isEmpty();
    }

    private static JsonNode parse(byte[] json, String file) {
        try {
            JsonNode node = JSON.readTree(json);
            if (node == null || !node.isObject()) {
                throw new WalletException("Key file " + file + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            // Jackson's message may quote file content (secrets): keep only the location.
            throw new WalletException("Key file " + file + " is not valid JSON");
        }
    }

    private static byte[] write(Map<String, String> map) {
        try {
            return JSON.writeValueAsBytes(map);
        } catch (IOException e) {
            throw new IllegalStateException("Cannot serialize key-file JSON", e);
        }
    }
}
