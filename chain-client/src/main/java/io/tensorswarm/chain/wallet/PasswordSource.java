package io.tensorswarm.chain.wallet;

import java.io.Console;
import java.util.function.UnaryOperator;

/**
 * Supplies the password of an encrypted key file. Passwords come from the environment variable
 * {@value #ENV_VARIABLE} or an interactive prompt, never from a command-line flag (flags leak
 * into shell history and {@code ps}). Implementations return a fresh array the caller may wipe.
 *
 * <pre>{@code
 * Sr25519KeyPair cold = wallet.unlockColdkey(PasswordSource.environmentOrConsole());
 * }</pre>
 */
@FunctionalInterface
public interface PasswordSource {
    /** The environment variable read by {@link #environment()}. */
    String ENV_VARIABLE = "BT_COLDKEY_PASSWORD";

    /**
     * Returns the password for the key file described by {@code purpose} (for example
     * "coldkey of wallet 'default'").
     *
     * @throws WalletException if no password can be had
     */
    char[] password(String purpose);

    /** Returns a source reading {@value #ENV_VARIABLE}. */
    static PasswordSource environment() {
        return environment(System::getenv);
    }

    /** Returns a source reading {@value #ENV_VARIABLE} through {@code env} (tests inject a map). */
    static PasswordSource environment(UnaryOperator<String> env) {
        return purpose -> {
            String value = env.apply(ENV_VARIABLE);
            if (value == null) {
                throw new WalletException("No password for the " + purpose + ": set " + ENV_VARIABLE);
            }
            return value.toCharArray();
        };
    }

    /** Returns a source that prompts on the system console without echo. */
    static PasswordSource console() {
        return purpose -> {
            Console console = System.console();
            if (console == null) {
                throw new WalletException("No password for the " + purpose
                        + ": no interactive console; set " + ENV_VARIABLE);
            }
            char[] pw = console.readPassword("Password for the %s: ", purpose);
            if (pw == null) {
                throw new WalletException("No password for the " + purpose + ": input closed");
            }
            return pw;
        };
    }

    /** Returns {@value #ENV_VARIABLE} when set, else an interactive prompt. */
    static PasswordSource environmentOrConsole() {
        return purpose -> System.getenv(ENV_VARIABLE) != null
                ? environment().password(purpose)
                : console().password(purpose);
    }

    /** Returns a source that always answers {@code password}; for programs that already hold it. */
    static PasswordSource of(String password) {
        return purpose -> password.toCharArray();
    }
}
