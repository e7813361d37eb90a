package io.tensorswarm.chain.wallet;

/**
 * Thrown when a key file uses an encryption format that Tensorswarm deliberately does not read
 * (Ansible Vault or the legacy Fernet format of bittensor &lt; 6); {@link #format()} says which. The
 * message tells the user how to migrate.
 */
public class LegacyKeyfileFormatException extends WalletException {
    private static final long serialVersionUID = 1L;

    private final KeyfileFormat format;

    public LegacyKeyfileFormatException(String file, KeyfileFormat format) {
        super("Key file " + file + " is encrypted with the legacy " + format.description()
                + " format, which Tensorswarm does not read; regenerate the key from its mnemonic"
                + " (btcli wallet regen-coldkey, or Wallet.regenColdkey) to get a current $NACL file");
        this.format = format;
    }

    /** Returns the legacy format found. */
    public KeyfileFormat format() {
        return format;
    }
}
