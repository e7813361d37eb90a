package io.tensorswarm.common.protocol;

/** Quotes untrusted strings for one-line error messages: control characters escaped, length capped. */
final class Quote {
    private static final int MAX = 80;

    private Quote() {}

    /** Returns {@code s} in double quotes, with control and non-ASCII characters escaped, at most 80 shown. */
    static String of(String s) {
        if (s == null) {
            return "null";
        }
        StringBuilder b = new StringBuilder("\"");
        int shown = Math.min(s.length(), MAX);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        if (s.length() > MAX) {
            b.append("...(").append(s.length()).append(" chars)");
        }
        return b.append('"').toString();
    }
}
