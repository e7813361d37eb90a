package io.tensorswarm.chain.wallet;

import java.nio.file.Path;

/**
 * Where a btcli wallet's files live: {@code <root>/<name>/coldkey}, {@code coldkeypub.txt},
 * {@code hotkeys/<hotkey>} and {@code hotkeys/<hotkey>pub.txt} (chain-spec §7.1).
 *
 * @param root the wallets directory, by default {@code ~/.bittensor/wallets}
 * @param name the wallet name
 * @param hotkey the hotkey name
 */
public record WalletPaths(Path root, String name, String hotkey) {
    /** The environment variable that overrides the wallets directory. */
    public static final String ROOT_ENV = "BT_WALLET_PATH";

    public WalletPaths {
        checkName(name, "wallet");
        checkName(hotkey, "hotkey");
        root = root.toAbsolutePath().normalize();
    }

    /** Returns {@code $BT_WALLET_PATH}, else {@code ~/.bittensor/wallets}. */
    public static Path defaultRoot() {
        String env = System.getenv(ROOT_ENV);
        if (env != null && !env.isBlank()) {
            return Path.of(env.startsWith("~/") ? System.getProperty("user.home") + env.substring(1) : env);
        }
        return Path.of(System.getProperty("user.home"), ".bittensor", "wallets");
    }

    /** Returns the wallet's directory. */
    public Path walletDir() {
        return root.resolve(name);
    }

    /** Returns the encrypted coldkey file. */
    public Path coldkeyFile() {
        return walletDir().resolve("coldkey");
    }

    /** Returns the coldkey's public file. */
    public Path coldkeyPubFile() {
        return walletDir().resolve("coldkeypub.txt");
    }

    /** Returns the hotkeys directory. */
    public Path hotkeysDir() {
        return walletDir().resolve("hotkeys");
    }

    /** Returns the hotkey file. */
    public Path hotkeyFile() {
        return hotkeysDir().resolve(hotkey);
    }

    /** Returns the hotkey's public file. */
    public Path hotkeyPubFile() {
        return hotkeysDir().resolve(hotkey + "pub.txt");
    }

    private static void checkName(String value, String what) {
        if (value == null || value.isBlank() || value.contains("/") || value.contains("\\")
                || value.equals(".") || value.equals("..")) {
            throw new IllegalArgumentException("Invalid " + what + " name: '" + value + "'");
        }
    }
}
