package io.tensorswarm.chain.extrinsic;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * One {@code author_extrinsicUpdate} notification: its kind and, for the block-carrying kinds
 * ({@code inBlock}, {@code finalized}, {@code retracted}, {@code finalityTimeout}), the block hash.
 */
public record TransactionStatus(Kind kind, String blockHash) {
    /** The status kinds of Substrate's {@code TransactionStatus}, lower-cased names as on the wire. */
    public enum Kind {
        FUTURE, READY, BROADCAST, IN_BLOCK, RETRACTED, FINALITY_TIMEOUT, FINALIZED, USURPED, DROPPED, INVALID, UNKNOWN;

        /** Returns true for kinds after which the extrinsic will never be included. */
        public boolean isFailure() {
            return this == USURPED || this == DROPPED || this == INVALID || this == FINALITY_TIMEOUT;
        }
    }

    /** Parses a notification payload: a plain string ({@code "ready"}) or an object ({@code {"inBlock":"0x.."}}). */
    public static TransactionStatus parse(JsonNode result) {
        if (result.isTextual()) {
            return new TransactionStatus(kind(result.asText()), null);
        }
        if (result.isObject() && result.size() > 0) {
            String name = result.fieldNames().next();
            JsonNode value = result.get(name);
            String hash = value.isTextual() ? value.asText()
                    : value.has("hash") ? value.get("hash").asText()
                    : value.isArray() && value.size() > 0 ? value.get(0).asText() : null;
            return new TransactionStatus(kind(name), hash);
        }
        return new TransactionStatus(Kind.UNKNOWN, null);
    }

    private static Kind kind(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "future" -> Kind.FUTURE;
            case "ready" -> Kind.READY;
            case "broadcast" -> Kind.BROADCAST;
            case "inblock" -> Kind.IN_BLOCK;
            case "retracted" -> Kind.RETRACTED;
            case "finalitytimeout" -> Kind.FINALITY_TIMEOUT;
            case "finalized" -> Kind.FINALIZED;
            case "usurped" -> Kind.USURPED;
            case "dropped" -> Kind.DROPPED;
            case "invalid" -> Kind.INVALID;
            default -> Kind.UNKNOWN;
        };
    }
}
