package io.tensorswarm.common;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Shows a URL without the credentials it may carry: {@code wss://user:pass@host/} is printed as
 * {@code wss://***@host/}, and a query's {@code token}, {@code key}, {@code secret}, {@code
 * password} or {@code signature} values as {@code ***}. Every log line and error message that names
 * an endpoint an operator typed (a chain endpoint, an orchestrator URL) goes through it.
 *
 * <pre>{@code
 * log.info("connected to {}", RedactedUrl.of(url)); // wss://***@rpc.example:443
 * }</pre>
 */
public final class RedactedUrl {
    private static final Pattern USER_INFO = Pattern.compile("^([A-Za-z][A-Za-z0-9+.-]*://)([^/?#@]*)@");
    private static final Pattern SECRET_PARAM = Pattern.compile(
            "([?&][^=&#]*(?:token|key|secret|password|passwd|signature|auth)[^=&#]*=)[^&#]*", Pattern.CASE_INSENSITIVE);

    private RedactedUrl() {}

    /** Returns {@code url} with its user info and secret-looking query values replaced by {@code ***}. */
    public static String of(String url) {
        if (url == null) {
            return "null";
        }
        String shown = USER_INFO.matcher(url).replaceFirst(Matcher.quoteReplacement("") + "$1***@");
        return SECRET_PARAM.matcher(shown).replaceAll("$1***");
    }
}
