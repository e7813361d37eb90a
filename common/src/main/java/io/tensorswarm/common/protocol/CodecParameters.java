package io.tensorswarm.common.protocol;

import io.tensorswarm.common.protocol.DeltaCodecException.Kind;
import java.math.BigDecimal;
import java.util.Map;
import java.util.regex.Pattern;

/** Parses codec parameters from a stored delta's metadata, strictly (they are hostile input). */
final class CodecParameters {
    private static final Pattern INTEGER = Pattern.compile("[1-9][0-9]{0,8}");
    private static final Pattern DECIMAL = Pattern.compile("(0|[1-9][0-9]{0,8})(\\.[0-9]{1,9})?");

    private CodecParameters() {}

    /** Returns the integer under {@code key}, which must be in {@code [min, max]}. */
    static int integer(Map<String, String> metadata, String key, int min, int max) {
        String raw = present(metadata, key);
        if (!INTEGER.matcher(raw).matches() || Long.parseLong(raw) < min || Long.parseLong(raw) > max) {
            throw new DeltaCodecException(Kind.BAD_PARAMETER, null,
                    "metadata " + key + " is " + Quote.of(raw) + ", expected an integer in [" + min + ", " + max + "]");
        }
        return Integer.parseInt(raw);
    }

    /** Returns the decimal fraction under {@code key}, which must be in {@code (0, 1]}. */
    static BigDecimal fraction(Map<String, String> metadata, String key) {
        String raw = present(metadata, key);
        BigDecimal value = DECIMAL.matcher(raw).matches() ? new BigDecimal(raw) : null;
        if (value == null || value.signum() <= 0 || value.compareTo(BigDecimal.ONE) > 0) {
            throw new DeltaCodecException(Kind.BAD_PARAMETER, null,
                    "metadata " + key + " is " + Quote.of(raw) + ", expected a decimal fraction in (0, 1]");
        }
        return value;
    }

    /** Returns the canonical text of a fraction: plain decimal, no trailing zeros. */
    static String format(BigDecimal fraction) {
        return fraction.stripTrailingZeros().toPlainString();
    }

    private static String present(Map<String, String> metadata, String key) {
        String raw = metadata.get(key);
        if (raw == null) {
            throw new DeltaCodecException(Kind.BAD_PARAMETER, null, "stored delta lacks metadata " + key);
        }
        return raw;
    }
}
