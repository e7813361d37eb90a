package io.tensorswarm.storage.hf;

import io.tensorswarm.storage.StorageException;
import io.tensorswarm.storage.StorageException.Kind;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import okhttp3.Response;

/**
 * Turns a failed Hub response into a {@link StorageException} the way {@code huggingface_hub}'s
 * {@code hf_raise_for_status} classifies it: {@code X-Error-Code} first, then the status.
 */
final class HfErrors {
    private static final Pattern RATE_LIMIT_RESET = Pattern.compile("\\bt=(\\d+)");
    private static final Pattern RATE_LIMIT_REMAINING = Pattern.compile("\\br=(\\d+)");

    private HfErrors() {}

    /** Returns the exception for a non-successful {@code response}; {@code body} is its (capped) text. */
    static StorageException map(String what, Response response, String body) {
        int status = response.code();
        String code = response.header("X-Error-Code");
        String message = serverMessage(response, body);
        String suffix = message.isEmpty() ? "" : " (" + message + ")";
        if ("RevisionNotFound".equals(code)) {
            return new StorageException(Kind.NOT_FOUND, what + ": revision not found" + suffix);
        }
        if ("EntryNotFound".equals(code)) {
            return new StorageException(Kind.NOT_FOUND, what + ": no such file in the repository" + suffix);
        }
        if ("GatedRepo".equals(code)) {
            return new StorageException(Kind.ACCESS_DENIED, what + ": gated repository; accept its conditions on the Hub with this token's account" + suffix);
        }
        boolean invalidToken = "Invalid credentials in Authorization header".equals(response.header("X-Error-Message"));
        if ("RepoNotFound".equals(code) || status == 401 && !invalidToken) {
            return new StorageException(Kind.NOT_FOUND, what + ": repository not found, or private and HF_TOKEN does not grant access" + suffix);
        }
        if (status == 401) {
            return new StorageException(Kind.ACCESS_DENIED, what + ": HF_TOKEN was rejected (invalid or expired token)");
        }
        if (status == 403) {
            return new StorageException(Kind.ACCESS_DENIED, what + ": HF_TOKEN lacks permission for this (needs a write token?)" + suffix);
        }
        if (status == 404) {
            return new StorageException(Kind.NOT_FOUND, what + ": not found (404)" + suffix);
        }
        if (status == 409 || status == 412) {
            return new StorageException(Kind.CONFLICT, what + ": conflict (" + status + ")" + suffix);
        }
        if (status == 416) {
            return new StorageException(Kind.INTEGRITY, what + ": range not satisfiable (416)" + suffix);
        }
        if (status == 429) {
            return new StorageException(Kind.THROTTLED, what + ": rate limited by the Hub (429)" + suffix, null, retryAfter(response));
        }
        if (status == 408 || status >= 500) {
            return new StorageException(Kind.UNAVAILABLE, what + ": Hub error " + status + suffix);
        }
        return new StorageException(Kind.PROTOCOL, what + ": Hub answered " + status + suffix);
    }

    /** Returns the wait a 429 asks for: {@code RateLimit} reset + 1 s when exhausted, else {@code Retry-After}. */
    static Duration retryAfter(Response response) {
        String rl = response.header("RateLimit");
        if (rl != null) {
            Matcher r = RATE_LIMIT_REMAINING.matcher(rl);
            Matcher t = RATE_LIMIT_RESET.matcher(rl);
            if (r.find() && r.group(1).equals("0") && t.find()) {
                return Duration.ofSeconds(Math.min(Long.parseLong(t.group(1)) + 1, 600));
            }
        }
        String ra = response.header("Retry-After");
        if (ra != null && ra.trim().matches("\\d{1,6}")) {
            return Duration.ofSeconds(Math.min(Long.parseLong(ra.trim()), 600));
        }
        return null;
    }

    private static String serverMessage(Response response, String body) {
        String m = response.header("X-Error-Message");
        if (m == null && body != null && !body.isBlank()) {
            Matcher e = Pattern.compile("\"error\"\\s*:\\s*\"([^\"]{1,300})\"").matcher(body);
            m = e.find() ? e.group(1) : null;
        }
        if (m == null) {
            return "";
        }
        m = m.replaceAll("[\\r\\n\\t]+", " ").strip();
        return m.length() > 300 ? m.substring(0, 300) + "..." : m;
    }
}
