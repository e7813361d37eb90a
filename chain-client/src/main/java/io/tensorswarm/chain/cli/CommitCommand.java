package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.calls.SubtensorCalls;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import java.nio.charset.StandardCharsets;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code chain commit}: sets the hotkey's commitment to the UTF-8 bytes of a text, or to raw bytes
 * given in hex (one Raw field, as the SDK's commit). Raw bytes are what a daemon's binary payload
 * ({@code CommitmentPayload}) needs from the command line.
 */
@Command(
        name = "commit",
        mixinStandardHelpOptions = true,
        description = "Set the hotkey's commitment on the subnet to the UTF-8 bytes of --data, or to the bytes of "
                + "--data-hex (at most 128 bytes).")
final class CommitCommand extends ChainSubcommand {
    @Mixin WalletOptions walletOptions;

    @Option(names = "--netuid", required = true, paramLabel = "<n>", description = "Subnet id.")
    int netuid;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Payload payload;

    /** Exactly one of the two ways to give the bytes. */
    static final class Payload {
        @Option(names = "--data", required = true, paramLabel = "<text>", description = "Text to commit (≤ 128 UTF-8 bytes).")
        String text;

        @Option(names = "--data-hex", required = true, paramLabel = "<hex>",
                description = "Raw bytes to commit, in hex with or without 0x (≤ 128 bytes).")
        String hex;
    }

    @Override
    void run(Chain chain) {
        byte[] bytes = bytes();
        requireSubnet(chain, netuid);
        Sr25519KeyPair hotkey = parent.wallet(walletOptions).hotkey();
        TxOutput.fee(out(), chain, md -> SubtensorCalls.setRawCommitment(md, netuid, bytes), hotkey);
        TxOutput.receipt(out(), "committed " + bytes.length + " bytes for " + hotkey.ss58Address(),
                chain.setCommitment(netuid, hotkey, bytes));
    }

    private byte[] bytes() {
        if (payload.text != null) {
            byte[] bytes = payload.text.getBytes(StandardCharsets.UTF_8);
            requireFits(bytes, "--data is " + bytes.length + " bytes in UTF-8");
            return bytes;
        }
        byte[] bytes = HexArgument.parse("--data-hex", payload.hex);
        requireFits(bytes, "--data-hex is " + bytes.length + " bytes");
        return bytes;
    }

    private static void requireFits(byte[] bytes, String what) {
        if (bytes.length > SubtensorCalls.MAX_RAW_COMMITMENT) {
            throw new ExitException(ExitCodes.USAGE, what + "; a commitment holds at most "
                    + SubtensorCalls.MAX_RAW_COMMITMENT);
        }
    }
}
