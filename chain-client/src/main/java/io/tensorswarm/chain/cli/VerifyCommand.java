package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.crypto.CryptoException;
import io.tensorswarm.chain.crypto.Sr25519PublicKey;
import io.tensorswarm.common.cli.ExitCodes;
import io.tensorswarm.common.cli.ExitException;
import io.tensorswarm.common.cli.LoggingMixin;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code wallet verify}: checks an sr25519 signature; exit 0 when valid, 1 when not. Signatures of
 * the message wrapped in {@code <Bytes>…</Bytes>} (polkadot-js, btwallet) are accepted too.
 */
@Command(
        name = "verify",
        mixinStandardHelpOptions = true,
        description = "Verify a signature of a hex message by an SS58 address; exit 0 valid, 1 invalid.")
final class VerifyCommand implements Runnable {
    @Spec CommandSpec spec;
    @Mixin LoggingMixin logging;

    @Option(names = "--hex", required = true, paramLabel = "<msg>", description = "Message bytes as hex (0x optional).")
    String messageHex;

    @Option(names = "--signature", required = true, paramLabel = "<0x…>", description = "64-byte signature as hex.")
    String signatureHex;

    @Option(names = "--ss58", required = true, paramLabel = "<addr>", description = "Signer's SS58 address.")
    String ss58;

    @Override
    public void run() {
        logging.apply();
        byte[] message = HexArgument.parse("--hex", messageHex);
        byte[] signature = HexArgument.parse("--signature", signatureHex);
        Sr25519PublicKey key;
        try {
            key = Sr25519PublicKey.fromSs58(ss58);
        } catch (CryptoException | IllegalArgumentException e) {
            throw new ExitException(ExitCodes.USAGE, "--ss58 " + ss58 + " is not a valid address: " + e.getMessage());
        }
        if (!key.verifyPlainOrWrapped(message, signature)) {
            throw new ExitException(ExitCodes.FAILURE, "invalid signature for " + ss58);
        }
        spec.commandLine().getOut().println("valid");
    }
}
