package io.tensorswarm.gym;

import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletPaths;

/**
 * One registered hotkey the adversary plays with: its wallet files and SS58 address.
 *
 * @param wallet the wallet files (name, hotkey name, root)
 * @param ss58 the hotkey's address
 */
public record Identity(WalletPaths wallet, String ss58) {
    /** Reads the hotkey's public address from {@code wallet}. */
    public static Identity of(WalletPaths wallet) {
        return new Identity(wallet, Wallet.at(wallet).hotkeyPub().toString());
    }

    /** Returns the hotkey pair (for signing a manifest by hand). */
    public Sr25519KeyPair hotkey() {
        return Wallet.at(wallet).hotkey();
    }
}
