package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.ChainSettings;
import io.tensorswarm.chain.Chains;
import io.tensorswarm.chain.local.Time;
import io.tensorswarm.chain.wallet.NaclKeyfileCipher;
import io.tensorswarm.chain.wallet.PasswordSource;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Command;
import picocli.CommandLine.HelpCommand;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The {@code chain} command every daemon jar carries: reads a subnet (info, metagraph,
 * commitments) and sends the extrinsics a miner or validator needs (register, serve-axon,
 * set-weights with hash commit-reveal, reveal, commit), on a subtensor node or the embedded local
 * chain, plus the local-only admin commands {@code local-init} and {@code local-stake}.
 *
 * <p>Exit codes: 0 done, 1 the chain refused (one line naming the runtime error, e.g. {@code
 * SubtensorModule.SettingWeightsTooFast}), 2 bad flags, 3 the chain cannot be reached (the line
 * names the URL or folder).
 *
 * <pre>{@code
 * @Command(name = "miner", subcommands = {TrainCommand.class, WalletCommand.class, ChainCommand.class})
 * // java -jar miner.jar chain metagraph --netuid 3 --subtensor.network test
 * // java -jar miner.jar chain register --netuid 3 --wallet.name m1
 * }</pre>
 */
@Command(
        name = "chain",
        mixinStandardHelpOptions = true,
        subcommands = {
            InfoCommand.class,
            MetagraphCommand.class,
            RegisterCommand.class,
            ServeAxonCommand.class,
            SetWeightsCommand.class,
            RevealCommand.class,
            CommitCommand.class,
            CommitmentsCommand.class,
            LocalInitCommand.class,
            LocalStakeCommand.class,
            HelpCommand.class
        },
        description = "Read a subnet and send miner/validator extrinsics (subtensor node or embedded chain).")
public final class ChainCommand implements Runnable {
    private final NaclKeyfileCipher cipher;
    private final UnaryOperator<String> environment;
    private final PasswordPrompt prompt;
    private final Time localTime;

    @Spec CommandSpec spec;

    /** Creates the command as the jars run it: btwallet's cipher, the process environment, the console, the system clock. */
    public ChainCommand() {
        this(NaclKeyfileCipher.STANDARD, System::getenv, PasswordPrompt.systemConsole(), Time.SYSTEM);
    }

    /** Creates the command with an injected cipher, environment, prompt and embedded-chain clock (tests). */
    public ChainCommand(NaclKeyfileCipher cipher, UnaryOperator<String> environment, PasswordPrompt prompt, Time localTime) {
        this.cipher = cipher;
        this.environment = environment;
        this.prompt = prompt;
        this.localTime = localTime;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getErr());
    }

    /** Returns the settings the flags and the environment select; an unknown network is a usage error. */
    ChainSettings settings(ChainOptions options) {
        ChainSettings settings = options.settings(environment);
        if (!settings.isEmbedded()) {
            try {
                settings.url();
            } catch (ChainException e) {
                throw new ExitException(ExitCodes.USAGE, e.getMessage());
            }
        }
        return settings;
    }

    /** Opens the chain; a chain that cannot be reached ends the command with exit 3. */
    Chain connect(ChainOptions options) {
        ChainSettings settings = settings(options);
        try {
            return Chains.connect(settings, localTime);
        } catch (ChainException e) {
            throw new ExitException(ExitCodes.STATE, e.getMessage(), e);
        }
    }

    /**
     * Returns the embedded chain's folder for the local-only commands; naming a node with the
     * chain flags is a usage error.
     */
    Path localDirectory(ChainOptions options, String command) {
        ChainSettings settings = options.settings(environment);
        if (options.namesANode() && !settings.isEmbedded()) {
            throw new ExitException(ExitCodes.USAGE, command + " works only on the embedded chain; drop "
                    + "--subtensor.network/--subtensor.chain_endpoint or use 'embedded' / file:///dir");
        }
        return settings.embeddedDirectory();
    }

    Wallet wallet(WalletOptions options) {
        return Wallet.load(options.paths(), cipher);
    }

    PasswordSource coldkeyPassword() {
        return ColdkeyPasswords.unlock(environment, prompt);
    }

    Time localTime() {
        return localTime;
    }
}
