package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.crypto.Mnemonic;
import io.tensorswarm.chain.wallet.WalletException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads a BIP39 phrase from a file; errors name the file, never the words. */
final class MnemonicFile {
    private MnemonicFile() {}

    static Mnemonic read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new WalletException("Cannot read the mnemonic file " + file + ": " + e.getClass().getSimpleName());
        }
        try {
            return Mnemonic.parse(text);
        } catch (RuntimeException e) {
            throw new WalletException("The mnemonic file " + file + " is invalid: " + e.getMessage());
        }
    }
}
