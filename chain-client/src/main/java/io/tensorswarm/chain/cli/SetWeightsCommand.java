package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.calls.WeightConversion;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import io.tensorswarm.chain.calls.WeightProcessing;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.OptionalLong;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chain set-weights}: fits float weights to the subnet's minimum allowed weights and max
 * weight limit and converts them as the SDK does ({@link WeightProcessing}), and sets them; on a subnet with
 * commit-reveal enabled it commits their hash instead (random 8-value salt) and stores the pending
 * reveal for {@code chain reveal}. The sending is {@link WeightSender}'s, the validator daemon's too;
 * as a person runs it, nothing is checked first and the chain's own error names a refusal.
 */
@Command(
        name = "set-weights",
        mixinStandardHelpOptions = true,
        description = "Set weights on the subnet (signed by the hotkey); with commit-reveal enabled, commit their hash "
                + "and store the reveal for 'chain reveal'.")
final class SetWeightsCommand extends ChainSubcommand {
    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--uids", required = true, split = ",", paramLabel = "<uid>", description = "Comma-separated uids.")
    int[] uids;

    @Option(names = "--weights", required = true, split = ",", paramLabel = "<w>",
            description = "Comma-separated non-negative weights, one per uid (scaled so the largest is 65535).")
    float[] weights;

    @Option(names = "--version-key", paramLabel = "<k>",
            description = "Version key sent with the weights (default: the subnet's WeightsVersionKey).")
    Long versionKey;

    @Option(names = "--state.dir", paramLabel = "<dir>",
            description = "Folder of the pending-reveal file (default: <wallet dir>/tensorswarm).")
    Path stateDir;

    @Override
    void run(Chain chain) {
        int given = convert().uids().length;
        requireSubnet(chain, netuid);
        Wallet wallet = parent.wallet(walletOptions);
        Sr25519KeyPair hotkey = wallet.hotkey();
        PendingRevealStore store = PendingRevealStore.open(stateDir, wallet.paths(), hotkey.ss58Address());
        WeightSender sender = WeightSender.builder().setNetuid(netuid).setHotkey(hotkey).setStore(store)
                .setMode(WeightSender.Mode.ATTENDED).build();
        WeightSender.Plan plan = sender.prepare(chain, uids, weights,
                versionKey != null ? OptionalLong.of(versionKey) : OptionalLong.empty());
        if (plan instanceof WeightSender.Skipped skipped) {
            throw new ExitException(ExitCodes.USAGE, "--uids: " + skipped.reason());
        }
        WeightSender.Prepared ready = (WeightSender.Prepared) plan;
        describeFit(ready, given);
        out().println("weights for uids " + Arrays.toString(ready.emit().uids()) + ": "
                + Arrays.toString(ready.emit().weights()) + " (u16), version key " + ready.versionKey());
        if (ready.commitReveal()) {
            out().println("commit-reveal is enabled on subnet " + netuid + ": committing the weights' hash");
        }
        WeightSender.Watcher fees = new WeightSender.Watcher() {
            @Override
            public void sending(Function<RuntimeMetadata, EncodedCall> call) {
                TxOutput.fee(out(), chain, call, hotkey);
            }
        };
        WeightSender.Result result = sender.send(chain, ready, fees);
        if (result instanceof WeightSender.Refused refused) {
            throw refused.error();
        } else if (result instanceof WeightSender.WeightsSet set) {
            TxOutput.receipt(out(), "set weights", set.receipt());
        } else if (result instanceof WeightSender.Committed committed) {
            PendingReveal reveal = committed.reveal();
            TxOutput.receipt(out(), "committed weights hash " + reveal.commitHash(), committed.receipt());
            out().println("pending reveal saved in " + store.file());
            out().println("reveal with 'chain reveal --netuid " + netuid + "' in blocks " + reveal.revealFromBlock()
                    + "-" + reveal.revealUntilBlock());
        }
    }

    /** Says how the subnet's minimum allowed weights and max weight limit changed the weights, as the SDK does. */
    private void describeFit(WeightSender.Prepared ready, int given) {
        SubnetHyperparameters hp = ready.hyperparameters();
        if (ready.emit().uids().length > given) {
            out().println("subnet " + netuid + " requires at least " + Math.min(hp.minAllowedWeights(), ready.neurons())
                    + " weights: every uid gets a small weight besides the given ones (as the SDK does)");
        }
        if (hp.maxWeightLimit() < 65535) {
            out().println("no uid gets more than " + hp.maxWeightLimit() + "/65535 of the total (the subnet's max weight "
                    + "limit)");
        }
    }

    private EmitWeights convert() {
        if (uids.length != weights.length) {
            throw new ExitException(ExitCodes.USAGE, "--uids has " + uids.length + " values but --weights has "
                    + weights.length + "; give one weight per uid");
        }
        for (int uid : uids) {
            if (uid < 0 || uid > 65535) {
                throw new ExitException(ExitCodes.USAGE, "--uids must be in [0, 65535], got " + uid);
            }
        }
        EmitWeights emit;
        try {
            emit = WeightConversion.convertWeightsAndUidsForEmit(uids, weights);
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--weights: " + e.getMessage());
        }
        if (emit.uids().length == 0) {
            throw new ExitException(ExitCodes.USAGE, "--weights are all zero; nothing to set");
        }
        return emit;
    }
}
