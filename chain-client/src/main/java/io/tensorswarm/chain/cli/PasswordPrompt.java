package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.wallet.WalletException;
import java.io.Console;

/** Reads a password interactively without echo; returns null when no terminal is attached. */
@FunctionalInterface
public interface PasswordPrompt {
    /** Returns the typed password, or null when there is no interactive console. */
    char[] read(String prompt);

    /** Returns a prompt on {@link System#console()}. */
    static PasswordPrompt systemConsole() {
        return prompt -> {
            Console console = System.console();
            if (console == null) {
                return null;
            }
            char[] pw = console.readPassword("%s", prompt);
            if (pw == null) {
                throw new WalletException("No password: input closed");
            }
            return pw;
        };
    }
}
