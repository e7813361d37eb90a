package io.tensorswarm.chain.wallet;

import java.nio.charset.StandardCharsets;

/** The on-disk encoding of a btcli key file, told apart by its first bytes (chain-spec §7.3). */
public enum KeyfileFormat {
    /** {@code $NACL}: Argon2i key derivation and XSalsa20-Poly1305; the current btwallet format. */
    NACL("$NACL", "NaCl secretbox"),
    /** {@code $ANSIBLE_VAULT}: Ansible Vault AES-256, written by bittensor before 6.x. */
    ANSIBLE_VAULT("$ANSIBLE_VAULT", "Ansible Vault"),
    /** {@code $BTWALLET}: an Ansible-Vault-style envelope under bittensor's own header. */
    BTWALLET_VAULT("$BTWALLET", "$BTWALLET (Ansible Vault)"),
    /** {@code gAAAAA}: Fernet with a PBKDF2-derived key, the oldest bittensor format. */
    FERNET("gAAAAA", "Fernet"),
    /** Unencrypted JSON (hotkeys, public files). */
    PLAINTEXT_JSON("{", "plaintext JSON"),
    /** Anything else. */
    UNKNOWN("", "unknown");

    private final String prefix;
    private final String description;

    KeyfileFormat(String prefix, String description) {
        this.prefix = prefix;
        this.description = description;
    }

    /** Returns a human-readable name of the format. */
    public String description() {
        return description;
    }

    /** Returns whether the file content is encrypted (in any format, readable or not). */
    public boolean isEncrypted() {
        return this != PLAINTEXT_JSON && this != UNKNOWN;
    }

    /** Returns the format of {@code data}, judged by its leading bytes (whitespace skipped for JSON). */
    public static KeyfileFormat detect(byte[] data) {
        String head = new String(data, 0, Math.min(data.length, 32), StandardCharsets.ISO_8859_1);
        for (KeyfileFormat f : values()) {
            if (f != PLAINTEXT_JSON && f != UNKNOWN && head.startsWith(f.prefix)) {
                return f;
            }
        }
        return head.strip().startsWith("{") ? PLAINTEXT_JSON : UNKNOWN;
    }
}
