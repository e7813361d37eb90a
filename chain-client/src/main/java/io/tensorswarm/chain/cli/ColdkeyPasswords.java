package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.WalletException;
import java.util.function.UnaryOperator;

/** The coldkey password of an existing wallet: {@code BT_COLDKEY_PASSWORD}, else one prompt. */
final class ColdkeyPasswords {
    private ColdkeyPasswords() {}

    static PasswordSource unlock(UnaryOperator<String> environment, PasswordPrompt prompt) {
        return purpose -> {
            String value = environment.apply(PasswordSource.ENV_VARIABLE);
            if (value != null) {
                return value.toCharArray();
            }
            char[] pw = prompt.read("Password for the " + purpose + ": ");
            if (pw == null) {
                throw new WalletException("No password for the " + purpose + ": no interactive console; set "
                        + PasswordSource.ENV_VARIABLE);
            }
            return pw;
        };
    }
}
