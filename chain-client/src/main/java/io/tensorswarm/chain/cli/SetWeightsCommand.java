package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.DispatchException;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.calls.WeightCommitHash;
import io.tensorswarm.chain.calls.WeightConversion;
import io.tensorswarm.chain.calls.WeightConversion.EmitWeights;
import io.tensorswarm.chain.calls.WeightProcessing;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.model.SubnetHyperparameters;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.wallet.Wallet;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.HexFormat;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chain set-weights}: fits float weights to the subnet's minimum allowed weights and max
 * weight limit and converts them as the SDK does ({@link WeightProcessing}), and sets them; on a subnet with
 * commit-reveal enabled it commits their hash instead (random 8-value salt) and stores the pending
 * reveal for {@code chain reveal}.
 */
@Command(
        name = "set-weights",
        mixinStandardHelpOptions = true,
        description = "Set weights on the subnet (signed by the hotkey); with commit-reveal enabled, commit their hash "
                + "and store the reveal for 'chain reveal'.")
final class SetWeightsCommand extends ChainSubcommand {
    private static final int SALT_LENGTH = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

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
        SubnetHyperparameters hp = chain.hyperparameters(netuid);
        EmitWeights emit = fitToSubnet(chain, hp, given);
        long key = versionKey != null ? versionKey : hp.weightsVersionKey();
        int[] u = emit.uids();
        int[] w = emit.weights();
        out().println("weights for uids " + Arrays.toString(u) + ": " + Arrays.toString(w) + " (u16), version key " + key);
        if (!hp.commitRevealEnabled()) {
            TxOutput.fee(out(), chain, md -> SubtensorCalls.setWeights(md, netuid, u, w, key), hotkey);
            TxOutput.receipt(out(), "set weights", chain.setWeights(netuid, hotkey, u, w, key));
            return;
        }
        int[] salt = new int[SALT_LENGTH];
        for (int i = 0; i < salt.length; i++) {
            salt[i] = RANDOM.nextInt(65536);
        }
        byte[] hash = WeightCommitHash.compute(hotkey.publicKey().toBytes(), netuid, u, w, salt, key);
        out().println("commit-reveal is enabled on subnet " + netuid + ": committing the weights' hash");
        TxOutput.fee(out(), chain, md -> SubtensorCalls.commitWeights(md, netuid, hash), hotkey);
        String hex = "0x" + HexFormat.of().formatHex(hash);
        // Saved before the commit is sent: a process killed after the commit must not lose the salt.
        // The entry's block is corrected once the receipt says where the commit landed.
        PendingRevealStore store = PendingRevealStore.open(stateDir, wallet.paths(), hotkey.ss58Address());
        PendingReveal expected = PendingReveal.of(chain, hp, hotkey.ss58Address(), u, w, salt, key, chain.currentBlock(), hex);
        store.add(expected);
        TxReceipt receipt;
        try {
            receipt = chain.commitWeights(netuid, hotkey, hash);
        } catch (DispatchException e) {
            store.remove(expected); // refused by the chain: nothing to reveal
            throw e;
        }
        TxOutput.receipt(out(), "committed weights hash " + hex, receipt);
        RevealWindow window = RevealWindow.of(chain, hp, receipt.blockNumber());
        if (receipt.blockNumber() != expected.commitBlock()) {
            store.replace(PendingReveal.of(chain, hp, hotkey.ss58Address(), u, w, salt, key, receipt.blockNumber(), hex));
        }
        out().println("pending reveal saved in " + store.file());
        out().println("reveal with 'chain reveal --netuid " + netuid + "' in blocks " + window.fromBlock() + "-"
                + window.untilBlock());
    }

    /** Applies the subnet's minimum allowed weights and max weight limit, as the SDK does before sending. */
    private EmitWeights fitToSubnet(Chain chain, SubnetHyperparameters hp, int given) {
        int neurons = chain.metagraph(netuid).neurons().size();
        EmitWeights emit;
        try {
            emit = WeightProcessing.forEmit(uids, weights, neurons, hp.minAllowedWeights(), hp.maxWeightLimit());
        } catch (IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--uids: " + e.getMessage());
        }
        if (emit.uids().length > given) {
            out().println("subnet " + netuid + " requires at least " + Math.min(hp.minAllowedWeights(), neurons)
                    + " weights: every uid gets a small weight besides the given ones (as the SDK does)");
        }
        if (hp.maxWeightLimit() < 65535) {
            out().println("no uid gets more than " + hp.maxWeightLimit() + "/65535 of the total (the subnet's max weight "
                    + "limit)");
        }
        return emit;
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
