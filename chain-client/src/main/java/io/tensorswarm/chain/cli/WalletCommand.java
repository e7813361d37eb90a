package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.chain.wallet.WalletException;
import io.tensorswarm.chain.wallet.WalletPaths;
import java.util.Arrays;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code wallet} command every daemon jar carries: creates, restores, shows and signs with
 * btcli-compatible wallets. Coldkey passwords come from {@code BT_COLDKEY_PASSWORD} or an
 * interactive prompt, never from a flag; mnemonics are printed once on stdout by {@code create} and
 * never logged.
 *
 * <pre>{@code
 * @Command(name = "miner", subcommands = {TrainCommand.class, WalletCommand.class, HelpCommand.class})
 * // java -jar miner.jar wallet create --wallet.name m1
 * // java -jar miner.jar wallet show --json --wallet.name m1
 * }</pre>
 */
@Command(
        name = "wallet",
        mixinStandardHelpOptions = true,
        subcommands = {
            CreateWalletCommand.class,
            RegenColdkeyCommand.class,
            RegenHotkeyCommand.class,
            ShowWalletCommand.class,
            SignCommand.class,
            VerifyCommand.class,
            HelpCommand.class
        },
        description = "Create, restore, show and sign with btcli wallets.")
public final class WalletCommand implements Runnable {
    private final NaclKeyfileCipher cipher;
    private final UnaryOperator<String> environment;
    private final PasswordPrompt prompt;

    @Spec CommandSpec spec;

    /** Creates the command as the jars run it: btwallet's cipher, the process environment, the console. */
    public WalletCommand() {
        this(NaclKeyfileCipher.STANDARD, System::getenv, PasswordPrompt.systemConsole());
    }

    /** Creates the command with an injected cipher, environment and prompt (tests). */
    public WalletCommand(NaclKeyfileCipher cipher, UnaryOperator<String> environment, PasswordPrompt prompt) {
        this.cipher = cipher;
        this.environment = environment;
        this.prompt = prompt;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Returns a handle on a wallet that must already exist. */
    Wallet existing(WalletPaths paths) {
        return Wallet.load(paths, cipher);
    }

    /** Returns a handle on a wallet whose files may not exist yet. */
    Wallet handle(WalletPaths paths) {
        return Wallet.at(paths, cipher);
    }

    NaclKeyfileCipher cipher() {
        return cipher;
    }

    /** Returns the password of an existing coldkey: the environment variable, else one prompt. */
    PasswordSource unlockPassword() {
        return ColdkeyPasswords.unlock(environment, prompt);
    }

    /** Returns the password of a new coldkey: the environment variable, else a prompt asked twice. */
    PasswordSource newPassword() {
        return purpose -> {
            char[] pw = fromEnvironment();
            if (pw == null) {
                pw = ask("New password for the " + purpose + ": ", purpose);
                char[] again = ask("Repeat the password: ", purpose);
                boolean same = Arrays.equals(pw, again);
                Arrays.fill(again, '\0');
                if (!same) {
                    Arrays.fill(pw, '\0');
                    throw new WalletException("The two passwords for the " + purpose + " differ");
                }
            }
            if (pw.length == 0) {
                throw new WalletException("The password for the " + purpose + " must not be empty");
            }
            return pw;
        };
    }

    private char[] fromEnvironment() {
        String value = environment.apply(PasswordSource.ENV_VARIABLE);
        return value == null ? null : value.toCharArray();
    }

    private char[] ask(String text, String purpose) {
        char[] pw = prompt.read(text);
        if (pw == null) {
            throw new WalletException("No password for the " + purpose + ": no interactive console; set "
                    + PasswordSource.ENV_VARIABLE);
        }
        return pw;
    }
}
