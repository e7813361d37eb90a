package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.wallet.WalletPaths;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/**
 * The Bittensor wallet flags: {@code --wallet.name}, {@code --wallet.hotkey} and {@code
 * --wallet.path} (env {@code BT_WALLET_PATH}, a leading {@code ~/} is the home directory).
 */
public final class WalletOptions {
    @Option(
            names = "--wallet.name",
            defaultValue = "${env:BT_WALLET_NAME:-default}",
            paramLabel = "<name>",
            description = "Wallet name (default: ${DEFAULT-VALUE}; env BT_WALLET_NAME).")
    String name;

    @Option(
            names = "--wallet.hotkey",
            defaultValue = "${env:BT_WALLET_HOTKEY:-default}",
            paramLabel = "<name>",
            description = "Hotkey name (default: ${DEFAULT-VALUE}; env BT_WALLET_HOTKEY).")
    String hotkey;

    @Option(
            names = "--wallet.path",
            defaultValue = "${env:BT_WALLET_PATH:-~/.bittensor/wallets}",
            paramLabel = "<dir>",
            description = "Wallets directory (default: ${DEFAULT-VALUE}; env BT_WALLET_PATH).")
    String path;

    /** Returns the file locations the flags name. */
    public WalletPaths paths() {
        return new WalletPaths(root(), name, hotkey);
    }

    private Path root() {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1));
        }
        return Path.of(path);
    }
}
