package io.tensorswarm.chain.wallet;

import io.tensorswarm.chain.crypto.Mnemonic;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.crypto.Ss58Address;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A btcli-compatible wallet on disk: an encrypted coldkey ({@code $NACL}), its public file, and
 * one plaintext hotkey (chain-spec §7). Reading the coldkey's address needs no password; the
 * coldkey secret is decrypted only on {@link #unlockColdkey}. Instances are immutable handles;
 * every call reads the files afresh. {@link #toString()} shows names and paths only.
 *
 * <pre>{@code
 * Wallet w = Wallet.load(WalletPaths.defaultRoot(), "default", "default");
 * Sr25519KeyPair hot = w.hotkey();                       // plaintext, no password
 * Ss58Address cold = w.coldkeyPub();                     // no password
 * Sr25519KeyPair coldPair = w.unlockColdkey(PasswordSource.environmentOrConsole());
 * }</pre>
 */
public final class Wallet {
    private static final Logger log = LoggerFactory.getLogger(Wallet.class);

    private final WalletPaths paths;
    private final NaclKeyfileCipher cipher;

    private Wallet(WalletPaths paths, NaclKeyfileCipher cipher) {
        this.paths = paths;
        this.cipher = cipher;
    }

    /**
     * Opens the existing wallet {@code name} under {@code root} with hotkey {@code hotkey}.
     *
     * @throws WalletException if the wallet directory does not exist
     */
    public static Wallet load(Path root, String name, String hotkey) {
        return load(new WalletPaths(root, name, hotkey), NaclKeyfileCipher.STANDARD);
    }

    /** Returns a handle on {@code paths} whether or not the files exist yet (for regeneration). */
    public static Wallet at(WalletPaths paths) {
        return new Wallet(paths, NaclKeyfileCipher.STANDARD);
    }

    /** Returns a handle on {@code paths} that encrypts and decrypts the coldkey with {@code cipher}. */
    public static Wallet at(WalletPaths paths, NaclKeyfileCipher cipher) {
        return new Wallet(paths, cipher);
    }

    /**
     * Opens the existing wallet at {@code paths}, reading the coldkey with {@code cipher}.
     *
     * @throws WalletException if the wallet directory does not exist
     */
    public static Wallet load(WalletPaths paths, NaclKeyfileCipher cipher) {
        if (!Files.isDirectory(paths.walletDir())) {
            throw new WalletException("Wallet '" + paths.name() + "' not found: " + paths.walletDir() + " is not a directory");
        }
        return new Wallet(paths, cipher);
    }

    /**
     * Creates a new wallet with fresh 12-word coldkey and hotkey mnemonics, the coldkey encrypted
     * under the password from {@code coldkeyPassword}. The mnemonics are returned once, for the
     * user to write down; they are not logged.
     *
     * @throws WalletException if any of the four files already exists
     */
    public static Created create(WalletPaths paths, PasswordSource coldkeyPassword) {
        return create(paths, coldkeyPassword, NaclKeyfileCipher.STANDARD);
    }

    /** Creates a new wallet like {@link #create(WalletPaths, PasswordSource)}, encrypting with {@code cipher}. */
    public static Created create(WalletPaths paths, PasswordSource coldkeyPassword, NaclKeyfileCipher cipher) {
        for (Path p : new Path[] {paths.coldkeyFile(), paths.coldkeyPubFile(), paths.hotkeyFile(), paths.hotkeyPubFile()}) {
            if (Files.exists(p)) {
                throw new WalletException("Refusing to create wallet '" + paths.name() + "': " + p + " already exists");
            }
        }
        Wallet wallet = new Wallet(paths, cipher);
        Mnemonic cold = Mnemonic.generate();
        Mnemonic hot = Mnemonic.generate();
        wallet.writeColdkey(cold, coldkeyPassword, false);
        wallet.writeHotkey(hot, false);
        log.info("Created wallet '{}' at {} (coldkey {}, hotkey {})", paths.name(), paths.walletDir(),
                wallet.coldkeyPub(), wallet.hotkeyPub());
        return new Created(wallet, cold, hot);
    }

    /** Returns the file locations. */
    public WalletPaths paths() {
        return paths;
    }

    /**
     * Returns the hotkey pair from its plaintext key file.
     *
     * @throws WalletException if the file is missing, malformed or encrypted (use
     *     {@link #hotkey(PasswordSource)} for encrypted hotkeys)
     */
    public Sr25519KeyPair hotkey() {
        return readPair(paths.hotkeyFile(), "hotkey", null);
    }

    /** Returns the hotkey pair, decrypting it with {@code password} if the file is encrypted. */
    public Sr25519KeyPair hotkey(PasswordSource password) {
        return readPair(paths.hotkeyFile(), "hotkey", password);
    }

    /** Returns the hotkey's address from {@code hotkeys/<name>pub.txt}, else from the plaintext hotkey file. */
    public Ss58Address hotkeyPub() {
        if (Files.exists(paths.hotkeyPubFile())) {
            return readAddress(paths.hotkeyPubFile(), "hotkey public");
        }
        return readAddress(paths.hotkeyFile(), "hotkey");
    }

    /**
     * Returns the coldkey's address from {@code coldkeypub.txt}; needs no password.
     *
     * @throws WalletException if the file is missing or malformed
     */
    public Ss58Address coldkeyPub() {
        return readAddress(paths.coldkeyPubFile(), "coldkey public");
    }

    /**
     * Decrypts and returns the coldkey pair. Deriving the key takes seconds and 512 MiB of heap.
     *
     * @throws KeyfileDecryptionException if the password is wrong
     * @throws LegacyKeyfileFormatException if the file uses a format Tensorswarm does not read
     * @throws WalletException if the file is missing or malformed, or disagrees with
     *     {@code coldkeypub.txt}
     */
    public Sr25519KeyPair unlockColdkey(PasswordSource password) {
        Sr25519KeyPair pair = readPair(paths.coldkeyFile(), "coldkey", password);
        if (Files.exists(paths.coldkeyPubFile())) {
            Ss58Address pub = coldkeyPub();
            if (!Arrays.equals(pub.publicKey(), pair.publicKey().toBytes())) {
                throw new WalletException("Coldkey " + paths.coldkeyFile() + " does not match "
                        + paths.coldkeyPubFile() + " (" + pub + ")");
            }
        }
        return pair;
    }

    /**
     * Rewrites the coldkey (encrypted) and {@code coldkeypub.txt} from {@code mnemonic},
     * replacing existing files; returns the pair.
     */
    public Sr25519KeyPair regenColdkey(Mnemonic mnemonic, PasswordSource password) {
        Sr25519KeyPair pair = writeColdkey(mnemonic, password, true);
        log.info("Regenerated coldkey of wallet '{}': {}", paths.name(), pair.ss58Address());
        return pair;
    }

    /** Rewrites the hotkey and its public file from {@code mnemonic}, replacing existing files; returns the pair. */
    public Sr25519KeyPair regenHotkey(Mnemonic mnemonic) {
        Sr25519KeyPair pair = writeHotkey(mnemonic, true);
        log.info("Regenerated hotkey '{}' of wallet '{}': {}", paths.hotkey(), paths.name(), pair.ss58Address());
        return pair;
    }

    private Sr25519KeyPair writeColdkey(Mnemonic mnemonic, PasswordSource password, boolean overwrite) {
        Sr25519KeyPair pair = Sr25519KeyPair.fromMnemonic(mnemonic);
        byte[] json = KeyfileData.full(pair, Optional.of(mnemonic));
        char[] pw = password.password("new coldkey of wallet '" + paths.name() + "'");
        try {
            byte[] encrypted = cipher.encrypt(json, pw);
            KeyfileStore.write(paths.coldkeyFile(), encrypted, overwrite);
        } finally {
            Arrays.fill(pw, '\0');
            Arrays.fill(json, (byte) 0);
        }
        KeyfileStore.write(paths.coldkeyPubFile(), KeyfileData.publicOnly(pair), overwrite);
        return pair;
    }

    private Sr25519KeyPair writeHotkey(Mnemonic mnemonic, boolean overwrite) {
        Sr25519KeyPair pair = Sr25519KeyPair.fromMnemonic(mnemonic);
        byte[] json = KeyfileData.full(pair, Optional.of(mnemonic));
        try {
            KeyfileStore.write(paths.hotkeyFile(), json, overwrite);
        } finally {
            Arrays.fill(json, (byte) 0);
        }
        KeyfileStore.write(paths.hotkeyPubFile(), KeyfileData.publicOnly(pair), overwrite);
        return pair;
    }

    private Sr25519KeyPair readPair(Path file, String what, PasswordSource password) {
        byte[] data = KeyfileStore.read(file, what);
        String name = file.toString();
        KeyfileFormat format = KeyfileFormat.detect(data);
        switch (format) {
            case PLAINTEXT_JSON -> {
                if ("coldkey".equals(what)) {
                    log.warn("Coldkey {} is stored unencrypted", file);
                }
                return KeyfileData.readKeyPair(data, name);
            }
            case NACL -> {
                if (password == null) {
                    throw new WalletException("The " + what + " file " + file
                            + " is encrypted; a password is needed to read it");
                }
                char[] pw = password.password(what + " of wallet '" + paths.name() + "'");
                byte[] json = null;
                try {
                    json = cipher.decrypt(data, pw, name);
                    return KeyfileData.readKeyPair(json, name);
                } finally {
                    Arrays.fill(pw, '\0');
                    if (json != null) {
                        Arrays.fill(json, (byte) 0);
                    }
                }
            }
            case ANSIBLE_VAULT, BTWALLET_VAULT, FERNET -> throw new LegacyKeyfileFormatException(name, format);
            default -> throw new WalletException("The " + what + " file " + file
                    + " is neither JSON nor a known encrypted format");
        }
    }

    private Ss58Address readAddress(Path file, String what) {
        byte[] data = KeyfileStore.read(file, what);
        KeyfileFormat format = KeyfileFormat.detect(data);
        if (format != KeyfileFormat.PLAINTEXT_JSON) {
            throw new WalletException("The " + what + " file " + file + " is not plaintext JSON ("
                    + format.description() + ")");
        }
        return KeyfileData.readAddress(data, file.toString());
    }

    @Override
    public String toString() {
        return "Wallet[name=" + paths.name() + ", hotkey=" + paths.hotkey() + ", dir=" + paths.walletDir() + "]";
    }

    /**
     * A newly created wallet and the two mnemonics that restore it; show them to the user once.
     * {@link #toString()} redacts the mnemonics.
     *
     * @param wallet the wallet handle
     * @param coldkeyMnemonic restores the coldkey
     * @param hotkeyMnemonic restores the hotkey
     */
    public record Created(Wallet wallet, Mnemonic coldkeyMnemonic, Mnemonic hotkeyMnemonic) {}
}
