package io.tensorswarm.chain.cli;

import io.tensorswarm.chain.Chain;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.calls.EncodedCall;
import io.tensorswarm.chain.crypto.Sr25519KeyPair;
import io.tensorswarm.chain.extrinsic.FeeInfo;
import io.tensorswarm.chain.local.LocalChain;
import io.tensorswarm.chain.metadata.RuntimeMetadata;
import io.tensorswarm.chain.model.TxReceipt;
import io.tensorswarm.chain.subtensor.SubtensorClient;
import java.io.PrintWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.function.Function;

/** Prints the fee estimate before and the inclusion block after an extrinsic. */
final class TxOutput {
    private TxOutput() {}

    /**
     * Prints the runtime's fee estimate for the call, "none" on the embedded chain, or "unknown"
     * with the reason when the node cannot estimate it (the extrinsic is still sent).
     */
    static void fee(PrintWriter out, Chain chain, Function<RuntimeMetadata, EncodedCall> call, Sr25519KeyPair signer) {
        if (chain instanceof LocalChain) {
            out.println("fee: none (embedded chain)");
        } else if (chain instanceof SubtensorClient node) {
            try {
                FeeInfo fee = node.estimateFee(call.apply(node.metadata()), signer);
                out.println("fee: " + tao(fee.partialFee()) + " TAO (" + fee.partialFee() + " rao, "
                        + fee.dispatchClass() + ")");
            } catch (ChainException | IllegalArgumentException e) {
                out.println("fee: unknown (" + e.getMessage() + ")");
            }
        }
        out.flush();
    }

    /** Prints {@code what} and where it landed. */
    static void receipt(PrintWriter out, String what, TxReceipt receipt) {
        out.println(what + " in block " + receipt.blockNumber() + " (" + receipt.blockHash() + "), extrinsic "
                + receipt.extrinsicHash());
        out.flush();
    }

    /** Returns {@code rao} in TAO as plain text (9 decimals at most, trailing zeros dropped). */
    static String tao(BigInteger rao) {
        BigDecimal t = new BigDecimal(rao).movePointLeft(9).stripTrailingZeros();
        return t.signum() == 0 ? "0" : t.toPlainString();
    }

    static String tao(long rao) {
        return tao(BigInteger.valueOf(rao));
    }
}
