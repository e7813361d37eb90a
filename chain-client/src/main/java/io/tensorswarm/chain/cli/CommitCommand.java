package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code chain commit}: sets the hotkey's commitment to the UTF-8 bytes of a text (one Raw field, as the SDK's commit). */
@Command(
        name = "commit",
        mixinStandardHelpOptions = true,
        description = "Set the hotkey's commitment on the subnet to the UTF-8 bytes of --data (at most 128 bytes).")
final class CommitCommand extends ChainSubcommand {
    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @Option(names = "--data", required = true, paramLabel = "<text>", description = "Text to commit (≤ 128 UTF-8 bytes).")
    String data;

    @Override
    void run(Chain chain) {
        byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > SubtensorCalls.MAX_RAW_COMMITMENT) {
            throw new ExitException(ExitCodes.USAGE, "--data is " + bytes.length + " bytes in UTF-8; a commitment "
                    + "holds at most " + SubtensorCalls.MAX_RAW_COMMITMENT);
        }
        requireSubnet(chain, netuid);
        Sr25519KeyPair hotkey = parent.wallet(walletOptions).hotkey();
        TxOutput.fee(out(), chain, md -> SubtensorCalls.setRawCommitment(md, netuid, bytes), hotkey);
        TxOutput.receipt(out(), "committed " + bytes.length + " bytes for " + hotkey.ss58Address(),
                chain.setCommitment(netuid, hotkey, bytes));
    }
}
