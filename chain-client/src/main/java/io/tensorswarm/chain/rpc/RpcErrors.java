package io.tensorswarm.chain.rpc;

import com.fasterxml.jackson.databind.JsonNode;
import io.tensorswarm.chain.ChainException;
import io.tensorswarm.chain.DispatchException;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Maps JSON-RPC error objects to exceptions: transaction-pool rejections ({@code 1010 Invalid
 * Transaction}, {@code 1011 Unknown Transaction}) become {@link DispatchException}s whose pallet is
 * {@code InvalidTransaction} / {@code UnknownTransaction} and whose error name is the reason
 * (subtensor's custom codes are named from {@code common/src/transaction_error.rs}, spec §1.4);
 * everything else becomes an {@link RpcErrorException}.
 */
public final class RpcErrors {
    /** The pool's "Invalid Transaction" error code. */
    public static final int INVALID_TRANSACTION = 1010;
    /** The pool's "Unknown Transaction Validity" error code. */
    public static final int UNKNOWN_TRANSACTION = 1011;

    /** Subtensor's {@code CustomTransactionError} codes, by number. */
    static final List<String> SUBTENSOR_CUSTOM_ERRORS = List.of(
            "ColdkeyInSwapSchedule", "StakeAmountTooLow", "BalanceTooLow", "SubnetNotExists",
            "HotkeyAccountDoesntExist", "NotEnoughStakeToWithdraw", "RateLimitExceeded", "InsufficientLiquidity",
            "SlippageTooHigh", "TransferDisallowed", "HotKeyNotRegisteredInNetwork", "InvalidIpAddress",
            "ServingRateLimitExceeded", "InvalidPort", "ZeroMaxAmount", "InvalidRevealRound", "CommitNotFound",
            "CommitBlockNotInRevealRange", "InputLengthsUnequal", "UidNotFound", "EvmKeyAssociateRateLimitExceeded",
            "ColdkeySwapDisputed", "InvalidRealAccount", "FailedShieldedTxParsing", "InvalidShieldedTxPubKeyHash",
            "NonAssociatedColdKey", "DelegateTakeTooLow", "DelegateTakeTooHigh");

    /** Substrate's {@code InvalidTransaction} / {@code UnknownTransaction} texts, by variant name. */
    private static final Map<String, String> STANDARD_REASONS = Map.ofEntries(
            Map.entry("Inability to pay some fees", "Payment"),
            Map.entry("Transaction will be valid in the future", "Future"),
            Map.entry("Transaction is outdated", "Stale"),
            Map.entry("Transaction has a bad signature", "BadProof"),
            Map.entry("Transaction has an ancient birth block", "AncientBirthBlock"),
            Map.entry("Transaction would exhaust the block limits", "ExhaustsResources"),
            Map.entry("Transaction call is not expected", "Call"),
            Map.entry("Invalid signing address", "BadSigner"),
            Map.entry("A call was labelled as mandatory", "BadMandatory"),
            Map.entry("Transaction dispatch is mandatory", "MandatoryValidation"),
            Map.entry("Could not lookup information required to validate the transaction", "CannotLookup"),
            Map.entry("No validator found for the given unsigned transaction", "NoUnsignedValidator"));

    private static final Pattern CUSTOM = Pattern.compile("Custom error: (\\d+)");

    private RpcErrors() {}

    /** Returns the exception for {@code method}'s error object {@code error}. */
    public static ChainException toException(String method, JsonNode error) {
        int code = error.path("code").asInt();
        String message = error.path("message").asText("");
        JsonNode dataNode = error.get("data");
        String data = dataNode == null || dataNode.isNull() ? null
                : dataNode.isTextual() ? dataNode.asText() : dataNode.toString();
        if (code == INVALID_TRANSACTION || code == UNKNOWN_TRANSACTION) {
            String pallet = code == INVALID_TRANSACTION ? "InvalidTransaction" : "UnknownTransaction";
            String detail = data == null ? message : data;
            return new DispatchException(pallet, reasonName(detail), message + ": " + detail);
        }
        return new RpcErrorException(method, code, message, data);
    }

    /**
     * Returns the reason's variant name for a pool rejection's {@code data} text: a subtensor custom
     * error name ({@code "Custom error: 6"} is {@code RateLimitExceeded}), a standard variant name
     * ({@code BadProof}, {@code Stale}, ...), or {@code Custom<N>} / {@code Unrecognized} when unknown.
     */
    public static String reasonName(String data) {
        if (data == null) {
            return "Unrecognized";
        }
        Matcher m = CUSTOM.matcher(data);
        if (m.find()) {
            int n = Integer.parseInt(m.group(1));
            if (n < SUBTENSOR_CUSTOM_ERRORS.size()) {
                return SUBTENSOR_CUSTOM_ERRORS.get(n);
            }
            return n == 255 ? "BadRequest" : "Custom" + n;
        }
        for (Map.Entry<String, String> e : STANDARD_REASONS.entrySet()) {
            if (data.startsWith(e.getKey())) {
                return e.getValue();
            }
        }
        return "Unrecognized";
    }
}
