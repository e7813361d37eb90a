package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.local.LocalSubnetConfig;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code chain local-init} (embedded chain only): creates the local chain in its folder (dev
 * accounts funded at genesis), creates or updates a subnet with the given hyperparameters, and
 * funds coldkeys.
 */
@Command(
        name = "local-init",
        mixinStandardHelpOptions = true,
        description = "Embedded chain only: create the chain (dev accounts //Alice..//Ferdie funded), create or update "
                + "a subnet, fund coldkeys.")
final class LocalInitCommand implements Runnable {
    /** A switch written on/off. */
    enum Switch { ON, OFF }

    @ParentCommand ChainCommand parent;
    @Spec CommandSpec spec;
    @Mixin ChainOptions chainOptions;
    @Mixin LoggingMixin logging;

    @Option(names = "--netuid", paramLabel = "<n>",
            description = "Subnet to create, or to update when it exists (default: create the lowest free netuid).")
    Integer netuid;

    @Option(names = "--tempo", paramLabel = "<blocks>", description = "Blocks per epoch (new subnet default: 10).")
    Integer tempo;

    @Option(names = "--weights-rate-limit", paramLabel = "<blocks>",
            description = "Blocks between weight updates of a hotkey (new subnet default: 10).")
    Long weightsRateLimit;

    @Option(names = "--commit-reveal", paramLabel = "on|off", description = "Hash commit-reveal of weights (new subnet default: off).")
    Switch commitReveal;

    @Option(names = "--reveal-period", paramLabel = "<epochs>", description = "Epochs from commit to reveal (default: 1).")
    Long revealPeriod;

    @Option(names = "--version-key", paramLabel = "<k>", description = "Minimum weights version key (default: 0 = any).")
    Long versionKey;

    @Option(names = "--max-allowed-validators", paramLabel = "<n>",
            description = "Top-stake neurons with a validator permit (default: 64).")
    Integer maxAllowedValidators;

    @Option(names = "--block-time", paramLabel = "<duration>", converter = DurationConverter.class,
            description = "Block time of a new chain, e.g. 1s or 200ms (default: 12s); an existing chain keeps its own.")
    Duration blockTime;

    @Option(names = "--fund", paramLabel = "<ss58>=<rao>", description = "Add rao to a coldkey's balance (repeatable).")
    Map<String, Long> fund = new LinkedHashMap<>();

    @Override
    public void run() {
        logging.apply();
        Path dir = parent.localDirectory(chainOptions, "local-init");
        fund.keySet().forEach(k -> Ss58Argument.require("--fund", k));
        fund.values().forEach(v -> {
            if (v < 0) {
                throw new ExitException(ExitCodes.USAGE, "--fund amounts must be non-negative, got " + v);
            }
        });
        PrintWriter out = spec.commandLine().getOut();
        boolean existed = LocalChain.exists(dir);
        LocalChain.Builder builder = LocalChain.builder().setDirectory(dir).optTime(parent.localTime());
        if (blockTime != null) {
            builder.optBlockTime(blockTime);
        }
        try (LocalChain chain = builder.build()) {
            out.println((existed ? "opened the local chain in " : "created a local chain in ") + dir + " (block time "
                    + chain.blockTime().toMillis() + " ms, block " + chain.currentBlock() + ")");
            if (existed && blockTime != null && !blockTime.equals(chain.blockTime())) {
                out.println("note: the existing chain keeps its block time; --block-time applies to new chains only");
            }
            if (!existed) {
                out.println("dev accounts //Alice..//Ferdie hold " + TxOutput.tao(LocalChain.DEV_ACCOUNT_BALANCE_RAO)
                        + " TAO each");
            }
            int id;
            try {
                id = initSubnet(chain, out);
            } catch (IllegalArgumentException e) {
                throw new ExitException(ExitCodes.USAGE, e.getMessage());
            }
            LocalSubnetConfig c = chain.subnetConfig(id);
            out.println("subnet " + id + ": tempo " + c.tempo() + ", weights rate limit " + c.weightsRateLimit()
                    + ", commit-reveal " + (c.commitRevealEnabled() ? "on" : "off") + ", reveal period "
                    + c.revealPeriodEpochs() + ", version key " + c.weightsVersionKey() + ", burn "
                    + TxOutput.tao(c.burnRao()) + " TAO");
            fund.forEach((coldkey, rao) -> {
                chain.fund(coldkey, rao);
                out.println("funded " + coldkey + " with " + TxOutput.tao(rao) + " TAO; balance "
                        + TxOutput.tao(chain.balance(coldkey)) + " TAO");
            });
        }
        out.flush();
    }

    private int initSubnet(LocalChain chain, PrintWriter out) {
        if (netuid != null && chain.subnetExists(netuid)) {
            chain.setHyperparameters(netuid, apply(chain.subnetConfig(netuid)));
            out.println("updated subnet " + netuid);
            return netuid;
        }
        LocalSubnetConfig config = apply(LocalSubnetConfig.defaults());
        int id;
        if (netuid != null) {
            chain.createSubnet(netuid, config);
            id = netuid;
        } else {
            id = chain.createSubnet(config);
        }
        out.println("created subnet " + id);
        return id;
    }

    private LocalSubnetConfig apply(LocalSubnetConfig c) {
        if (tempo != null) {
            c = c.withTempo(tempo);
        }
        if (weightsRateLimit != null) {
            c = c.withWeightsRateLimit(weightsRateLimit);
        }
        if (commitReveal != null) {
            c = c.withCommitRevealEnabled(commitReveal == Switch.ON);
        }
        if (revealPeriod != null) {
            c = c.withRevealPeriodEpochs(revealPeriod);
        }
        if (versionKey != null) {
            c = c.withWeightsVersionKey(versionKey);
        }
        if (maxAllowedValidators != null) {
            c = c.withMaxAllowedValidators(maxAllowedValidators);
        }
        return c;
    }
}
